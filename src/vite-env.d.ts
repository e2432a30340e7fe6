/// <reference types="vite/client" />

/** The Amplify outputs file (`amplify_outputs.json`), or `null` when the build had none (vite.config.ts). */
declare module 'amplify-outputs' {
  const outputs: import('./lib/config.ts').AmplifyOutputs | null;
  export default outputs;
}

/** The product pictures' SVG text by their public path (`/products/<id>.svg`; vite.config.ts). */
declare module 'product-pictures' {
  const pictures: Record<string, string>;
  export default pictures;
}
