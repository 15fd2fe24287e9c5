// What the in-process A/B scripts (bench/format-ab.mjs, bench/vectorize-ranges.mjs) share:
// their arguments (DATA_DIR [N] [ROUNDS]), the builds to compare (this checkout's dist/ and
// ROOT_B's) and the district's files read as plain records (the first N talents).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The first `n` records of a JSON Lines file (blank lines skipped). */
export function readRecords(file, n = Infinity) {
  const out = [];
  const text = readFileSync(file, 'utf8');
  let pos = 0;
  while (out.length < n && pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl;
    if (end > pos) out.push(JSON.parse(text.slice(pos, end)));
    pos = end + 1;
  }
  return out;
}

/** `script`: the caller's file name (for the usage line); `defaultN`: talents read when N is not given. */
export function abInputs(script, defaultN) {
  const dir = process.argv[2];
  if (!dir) {
    console.error(`usage: [ROOT_B=checkout] node bench/${script} DATA_DIR [N] [ROUNDS]`);
    process.exit(2);
  }
  const N = Number(process.argv[3] ?? defaultN);
  const ROUNDS = Number(process.argv[4] ?? 7);
  const here = fileURLToPath(new URL('..', import.meta.url));
  const roots = [here, ...(process.env.ROOT_B ? [process.env.ROOT_B] : [])];
  const industries = JSON.parse(readFileSync(`${dir}/industries.json`, 'utf8'));
  const policy = JSON.parse(readFileSync(`${dir}/policy.json`, 'utf8'));
  return { dir, N, ROUNDS, roots, industries, policy, platforms: readRecords(`${dir}/platforms.jsonl`), talents: readRecords(`${dir}/talents.jsonl`, N) };
}
