/** Runs the CLI in process, capturing stdout, stderr and the exit code. */
import { main } from '../../../src/adapters/cli/main.js';

export async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'talentmatch', ...args], { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}
