import { rmSync } from 'node:fs';

/** Removes the stacks' temp folder (data, outputs files, Vite caches) chosen by playwright.config.ts. */
export default function globalTeardown(): void {
  const dir = process.env.STOREFRONT_E2E_DIR;
  if (dir && dir.includes('storefront-e2e-')) rmSync(dir, { recursive: true, force: true });
}
