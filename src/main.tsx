import outputs from 'amplify-outputs';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { configureAmplify } from './lib/config.ts';
import './styles/amplify.css';
import './styles/app.css';

import type { AmplifyOutputs } from './lib/config.ts';

/**
 * The outputs baked in at build time, or else the copy the cloud deployment uploads beside the
 * site (`/amplify_outputs.json`), so a build made before the backend existed still connects.
 */
async function loadOutputs(): Promise<AmplifyOutputs | null> {
  if (outputs) return outputs;
  try {
    const response = await fetch('/amplify_outputs.json', { cache: 'no-store' });
    return response.ok ? ((await response.json()) as AmplifyOutputs) : null;
  } catch {
    return null;
  }
}

configureAmplify(await loadOutputs());

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
