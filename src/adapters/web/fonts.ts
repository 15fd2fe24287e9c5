/**
 * Chinese text in the pages: Noto Sans SC (SIL Open Font License), shipped as the
 * unicode-range slices of `@fontsource/noto-sans-sc` that the data needs.
 * scripts/build-studio.mjs picks them at build time — every slice holding a CJK character of
 * the fixtures or of the pages' own text — copies them into dist/studio/fonts/ and writes
 * `fonts.json`: each slice's file and code-point ranges. The studio declares them all
 * (`fonts.css`, unicode-range: the browser fetches only the slices a page shows); the HTML
 * report inlines only the slices its own text uses. Text outside the shipped slices falls
 * back to the browser's fonts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ASSETS_DIR, assetsMissing } from './assets.js';

export const FONT_FAMILY = 'Noto Sans SC';

export interface FontSlice {
  file: string;
  /** inclusive code-point ranges */
  ranges: [number, number][];
}

export function readFontManifest(dir = ASSETS_DIR): FontSlice[] {
  const path = join(dir, 'fonts', 'fonts.json');
  if (!existsSync(path)) throw assetsMissing('the font manifest (fonts/fonts.json)');
  return JSON.parse(readFileSync(path, 'utf8')) as FontSlice[];
}

/** The slices holding at least one code point of `text`, in manifest order. */
export function slicesFor(text: string, slices: readonly FontSlice[]): FontSlice[] {
  const points = new Set<number>();
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x2e80) points.add(c); // CJK and beyond; Latin stays with the page's own fonts
  }
  if (points.size === 0) return [];
  return slices.filter((s) => {
    for (const c of points) for (const [a, b] of s.ranges) if (c >= a && c <= b) return true;
    return false;
  });
}

const range = (r: [number, number]) => (r[0] === r[1] ? `U+${r[0].toString(16)}` : `U+${r[0].toString(16)}-${r[1].toString(16)}`);

/** One @font-face rule per slice; `src(slice)` gives its URL (a file path or a data: URL). */
function fontFaces(slices: readonly FontSlice[], src: (s: FontSlice) => string): string {
  return slices
    .map((s) => `@font-face{font-family:'${FONT_FAMILY}';font-style:normal;font-weight:400;font-display:swap;src:url(${src(s)}) format('woff2');unicode-range:${s.ranges.map(range).join(',')}}`)
    .join('\n');
}

/** The @font-face rules of the slices `text` needs, each inlined as a data: URL (self-contained pages). */
export function inlineFontCss(text: string, dir = ASSETS_DIR): string {
  const need = slicesFor(text, readFontManifest(dir));
  return fontFaces(need, (s) => `data:font/woff2;base64,${readFileSync(join(dir, 'fonts', s.file)).toString('base64')}`);
}
