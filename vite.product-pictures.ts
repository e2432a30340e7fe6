/**
 * The Vite plugin behind the virtual module `product-pictures` (vite.config.ts, and vitest.config.ts
 * for the storefront's unit tests).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const PICTURES_ID = 'product-pictures';
const RESOLVED_PICTURES_ID = '\0product-pictures';

/**
 * `product-pictures`: every `public/products/*.svg` as `{ "/products/<file>": "<svg ...>" }` (its text;
 * the storefront makes the `data:` URL, smaller in the bundle than an encoded one).
 * Read here rather than imported from `public/`, which Vite serves as is and warns about importing.
 */
export function productPictures(): Plugin {
  const dir = fileURLToPath(new URL('./public/products', import.meta.url));
  return {
    name: 'storefront:product-pictures',
    resolveId(id) {
      return id === PICTURES_ID ? RESOLVED_PICTURES_ID : undefined;
    },
    load(id) {
      if (id !== RESOLVED_PICTURES_ID) return undefined;
      const pictures: Record<string, string> = {};
      for (const file of readdirSync(dir).filter((name) => name.endsWith('.svg')).sort()) {
        this.addWatchFile(path.join(dir, file));
        pictures[`/products/${file}`] = readFileSync(path.join(dir, file), 'utf8');
      }
      return `export default ${JSON.stringify(pictures)};`;
    },
  };
}
