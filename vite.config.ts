/**
 * Vite config of the storefront. The Amplify outputs file is read from
 * `AMPLIFY_OUTPUTS_PATH` (default `./amplify_outputs.json`) and exposed to the app as the virtual
 * module `amplify-outputs`. Without the file the module exports `null`, so `vite build` still works
 * and the app shows a clear "not connected" message instead of crashing. The product pictures
 * (`public/products/*.svg`, where the API's `image` URLs point) reach the bundle as `data:` URLs
 * through the virtual module `product-pictures`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { productPictures } from './vite.product-pictures.ts';

const VIRTUAL_ID = 'amplify-outputs';
const RESOLVED_ID = '\0amplify-outputs';

function amplifyOutputs(): Plugin {
  const file = path.resolve(process.env.AMPLIFY_OUTPUTS_PATH ?? './amplify_outputs.json');
  return {
    name: 'storefront:amplify-outputs',
    resolveId(id) {
      return id === VIRTUAL_ID ? RESOLVED_ID : undefined;
    },
    load(id) {
      if (id !== RESOLVED_ID) return undefined;
      this.addWatchFile(file);
      if (!existsSync(file)) {
        this.warn(`${file} not found: the storefront is built without a backend.`);
        return 'export default null;';
      }
      const text = readFileSync(file, 'utf8');
      try {
        return `export default ${JSON.stringify(JSON.parse(text))};`;
      } catch (error) {
        this.error(`${file} is not valid JSON: ${(error as Error).message}`);
      }
    },
  };
}

export default defineConfig({
  plugins: [react(), amplifyOutputs(), productPictures()],
  // One cache per dev server when several run at once (the e2e tests start two stacks).
  cacheDir: process.env.STOREFRONT_VITE_CACHE_DIR ?? 'node_modules/.vite',
  optimizeDeps: {
    // Pre-bundle everything up front: a dependency discovered later (valibot, on the lazy checkout; aws-amplify/data, when a page first watches a live channel)
    // would make the dev server re-optimise and reload the page in the middle of a test.
    include: ['react', 'react/jsx-runtime', 'react-dom/client', 'aws-amplify', 'aws-amplify/api', '@aws-amplify/ui-react', 'valibot', 'aws-amplify/data'],
  },
  build: {
    target: 'es2022',
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // The storefront's own modules (and what they import) in one file: left to itself the
            // bundler made a dozen small shared chunks, each a request of every first visit
            // (CloudFront bills requests: docs/cost.md). The pages stay lazy, and so does the
            // sign-in form with Amplify UI (110 kB of gzip JavaScript), and the Dashboard's chart
            // with uPlot (staff only; e2e/dashboard.spec.ts checks the first page never loads it).
            { name: 'shop', test: /\/(src|amplify\/domain)\/(?!pages\/|auth\/SignIn|components\/StatsChart)/, minShareCount: 1 },
          ],
        },
      },
    },
    // Report gzip sizes of every chunk (the first page's budget is 120 kB of gzip JavaScript).
    reportCompressedSize: true,
  },
});
