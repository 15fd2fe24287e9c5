// Builds the browser assets shipped in the package under dist/studio/ (run by `npm run
// build` and `prepare`, after tsc):
//   app.js       the studio page (web/studio/main.ts: Preact + htm), bundled and minified by esbuild
//   index.html, studio.css
//   fonts/       the unicode-range slices of Noto Sans SC (@fontsource/noto-sans-sc, weight 400)
//                holding a CJK character of the fixtures or of the pages' own text, with
//                fonts.json (file + code-point ranges: src/adapters/web/fonts.ts reads it) and
//                fonts.css (the studio's @font-face rules)
// Deterministic: the same sources give the same bytes. A production install without dev
// dependencies keeps the dist/studio/ it came with.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const OUT = 'dist/studio';
let esbuild;
let fontDir;
try {
  esbuild = await import('esbuild');
  fontDir = dirname(require.resolve('@fontsource/noto-sans-sc/package.json'));
} catch {
  if (existsSync(join(OUT, 'app.js'))) {
    console.log('build-studio: no esbuild / @fontsource (production install); using the existing dist/studio/');
    process.exit(0);
  }
  console.error('build-studio: dist/studio/ is missing and esbuild or @fontsource/noto-sans-sc is not installed: run `npm ci` with dev dependencies');
  process.exit(1);
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(join(OUT, 'fonts'), { recursive: true });

await esbuild.build({
  entryPoints: ['web/studio/main.ts'],
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'es2022',
  outfile: join(OUT, 'app.js'),
  logLevel: 'warning',
});
for (const f of ['index.html', 'studio.css']) copyFileSync(join('web/studio', f), join(OUT, f));

// ---- fonts: the slices the data and the pages need ----
const css = readFileSync(join(fontDir, '400.css'), 'utf8');
const slices = [...css.matchAll(/url\(\.\/files\/([^)]+\.woff2)\)[^;]*;\s*unicode-range:\s*([^;]+);/g)].map((m) => ({
  file: m[1],
  ranges: m[2].split(',').map((r) => {
    const [a, b] = r.trim().slice(2).split('-');
    return [parseInt(a, 16), parseInt(b ?? a, 16)];
  }),
}));
if (slices.length === 0) throw new Error(`build-studio: no @font-face rules found in ${join(fontDir, '400.css')}`);
const sources = [
  ...readdirSync('fixtures/jiangdong').map((f) => join('fixtures/jiangdong', f)),
  ...readdirSync('web/studio').map((f) => join('web/studio', f)),
  ...readdirSync('src/adapters/report').map((f) => join('src/adapters/report', f)),
  'src/synth/phrases.ts',
  'src/synth/taxonomy.ts',
  'src/synth/curated.ts',
].filter((f) => existsSync(f));
const points = new Set();
for (const f of sources) for (const ch of readFileSync(f, 'utf8')) {
  const c = ch.codePointAt(0);
  if (c >= 0x2e80) points.add(c);
}
const chosen = slices.filter((s) => s.ranges.some(([a, b]) => [...points].some((c) => c >= a && c <= b)));
const uncovered = [...points].filter((c) => !slices.some((s) => s.ranges.some(([a, b]) => c >= a && c <= b)));
let bytes = 0;
for (const s of chosen) {
  copyFileSync(join(fontDir, 'files', s.file), join(OUT, 'fonts', s.file));
  bytes += readFileSync(join(OUT, 'fonts', s.file)).length;
}
writeFileSync(join(OUT, 'fonts', 'fonts.json'), `${JSON.stringify(chosen)}\n`);
const hex = ([a, b]) => (a === b ? `U+${a.toString(16)}` : `U+${a.toString(16)}-${b.toString(16)}`);
writeFileSync(
  join(OUT, 'fonts', 'fonts.css'),
  `/* Noto Sans SC (SIL OFL 1.1), from @fontsource/noto-sans-sc: the slices holding the data's CJK characters */\n` +
    chosen.map((s) => `@font-face{font-family:'Noto Sans SC';font-style:normal;font-weight:400;font-display:swap;src:url(${s.file}) format('woff2');unicode-range:${s.ranges.map(hex).join(',')}}`).join('\n') +
    '\n',
);
console.log(`build-studio: ${OUT}/app.js, ${chosen.length} of ${slices.length} font slices (${Math.round(bytes / 1024)} KiB) for ${points.size} CJK characters${uncovered.length ? `; ${uncovered.length} not in Noto Sans SC` : ''}`);
