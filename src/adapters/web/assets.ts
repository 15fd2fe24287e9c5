/**
 * The browser assets shipped in the package: the studio page (bundled by
 * scripts/build-studio.mjs into dist/studio/) and the Chinese font slices it and the HTML
 * report use (dist/studio/fonts/, with a manifest of each slice's code points). The folder
 * is found from this file: `<package>/src/adapters/web/` under tsx and vitest,
 * `<package>/dist/adapters/web/` when built: both are three levels below the package root.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TalentmatchError } from '../../errors.js';

export const ASSETS_DIR = fileURLToPath(new URL('../../../dist/studio/', import.meta.url));

/** A missing build: the message says how to make it. */
export function assetsMissing(what: string): TalentmatchError {
  return new TalentmatchError('E_IO', `${what} not found in ${ASSETS_DIR}: build it with \`npm run build\` (npm ci does it)`);
}

export interface StudioAsset {
  body: Buffer;
  type: string;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
  '.json': 'application/json',
};

/**
 * Every file of the studio bundle, read once, by path relative to the bundle ("app.js",
 * "fonts/x.woff2"). Only these are served: no path from a request reaches the file system.
 */
export function readStudioAssets(dir = ASSETS_DIR): Map<string, StudioAsset> {
  if (!existsSync(join(dir, 'index.html'))) throw assetsMissing('the studio page (index.html)');
  const out = new Map<string, StudioAsset>();
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path);
      else {
        const ext = e.name.slice(e.name.lastIndexOf('.'));
        const type = TYPES[ext];
        if (type) out.set(path, { body: readFileSync(join(dir, path)), type });
      }
    }
  };
  walk('');
  return out;
}
