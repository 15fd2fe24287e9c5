// `npm ci` builds dist/ with the TypeScript compiler (a dev dependency). A production
// install (`npm ci --omit=dev`) of an already built tree has no compiler: keep its dist/.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  tsc = undefined;
}
if (tsc) {
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  // the studio page and the font slices (dist/studio/): esbuild + @fontsource, dev dependencies too
  const s = spawnSync(process.execPath, ['scripts/build-studio.mjs'], { stdio: 'inherit' });
  process.exit(s.status ?? 1);
}
if (existsSync('dist/adapters/cli/main.js')) {
  console.log('prepare: no TypeScript compiler (production install); using the existing dist/');
  process.exit(0);
}
console.error('prepare: dist/ is missing and TypeScript is not installed: run `npm ci` with dev dependencies to build');
process.exit(1);
