/**
 * The storefront as built for production (vite build into a temporary folder, outputs pointing
 * at a running local stack): first-page JavaScript and CSS after gzip, and Lighthouse scores of
 * the catalog page served by a small static server.
 */
import * as chromeLauncher from 'chrome-launcher';
import lighthouse, { desktopConfig } from 'lighthouse';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { median } from './stats.ts';

export const CHROME_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface StorefrontFigures {
  initialJsGzipBytes: number;
  initialCssGzipBytes: number;
  initialFiles: string[];
  totalJsGzipBytes: number;
  buildSeconds: number;
}

export interface LighthouseFigures {
  preset: 'desktop';
  page: string;
  runs: number;
  performance: number;
  accessibility: number;
  performanceRuns: number[];
  accessibilityRuns: number[];
  metrics: Record<string, number>;
}

export async function buildStorefront(root: string, outDir: string, outputs: Record<string, unknown>, log: (line: string) => void): Promise<StorefrontFigures> {
  const outputsFile = path.join(path.dirname(outDir), 'amplify_outputs.json');
  writeFileSync(outputsFile, JSON.stringify(outputs));
  const previous = process.env.AMPLIFY_OUTPUTS_PATH;
  process.env.AMPLIFY_OUTPUTS_PATH = outputsFile;
  const started = performance.now();
  try {
    await build({ root, configFile: path.join(root, 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true, reportCompressedSize: false } });
  } finally {
    if (previous === undefined) delete process.env.AMPLIFY_OUTPUTS_PATH;
    else process.env.AMPLIFY_OUTPUTS_PATH = previous;
  }
  const buildSeconds = (performance.now() - started) / 1000;
  const html = readFileSync(path.join(outDir, 'index.html'), 'utf8');
  // What the first page loads before it can run: the entry script, its modulepreloads, its CSS.
  const refs = new Set<string>();
  for (const m of html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)) refs.add(m[1]!);
  for (const m of html.matchAll(/<link[^>]*rel="(?:modulepreload|stylesheet)"[^>]*href="([^"]+)"/g)) refs.add(m[1]!);
  for (const m of html.matchAll(/<link[^>]*href="([^"]+)"[^>]*rel="(?:modulepreload|stylesheet)"/g)) refs.add(m[1]!);
  const gz = (file: string) => gzipSync(readFileSync(path.join(outDir, file)), { level: 9 }).length;
  let js = 0;
  let css = 0;
  for (const ref of refs) {
    const file = ref.replace(/^\//, '');
    if (file.endsWith('.js')) js += gz(file);
    else if (file.endsWith('.css')) css += gz(file);
  }
  const assets = path.join(outDir, 'assets');
  let totalJs = 0;
  const { readdirSync } = await import('node:fs');
  for (const f of readdirSync(assets)) if (f.endsWith('.js')) totalJs += gz(path.join('assets', f));
  log(`  built in ${buildSeconds.toFixed(1)} s; first page: JS ${(js / 1024).toFixed(1)} KB gzip, CSS ${(css / 1024).toFixed(1)} KB gzip (${[...refs].join(', ')})`);
  return { initialJsGzipBytes: js, initialCssGzipBytes: css, initialFiles: [...refs], totalJsGzipBytes: totalJs, buildSeconds };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
};

/** Serves `dir` like the CDN does: files with long caching for hashed assets, SPA fallback, gzip. */
export async function serveStatic(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = path.join(dir, pathname);
    if (!file.startsWith(dir) || !existsSync(file) || statSync(file).isDirectory()) file = path.join(dir, 'index.html');
    const ext = path.extname(file);
    let body = readFileSync(file);
    const headers: Record<string, string> = {
      'Content-Type': TYPES[ext] ?? 'application/octet-stream',
      'Cache-Control': pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    };
    if (/\.(js|css|html|svg|json)$/.test(ext) && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      body = gzipSync(body);
      headers['Content-Encoding'] = 'gzip';
    }
    res.writeHead(200, headers).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export async function runLighthouse(url: string, runs: number, log: (line: string) => void): Promise<LighthouseFigures> {
  const chrome = await chromeLauncher.launch({ chromePath: '/usr/bin/chromium', chromeFlags: CHROME_FLAGS, logLevel: 'silent' });
  const perf: number[] = [];
  const a11y: number[] = [];
  const metrics: Record<string, number[]> = {};
  try {
    for (let i = 0; i < runs; i++) {
      const result = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility'] }, desktopConfig);
      if (!result) throw new Error('Lighthouse returned no result');
      const { categories, audits } = result.lhr;
      const p = Math.round((categories.performance?.score ?? 0) * 100);
      const a = Math.round((categories.accessibility?.score ?? 0) * 100);
      perf.push(p);
      a11y.push(a);
      for (const id of ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index']) {
        const v = audits[id]?.numericValue;
        if (typeof v === 'number') (metrics[id] ??= []).push(v);
      }
      const failing = Object.values(audits).filter((audit) => audit.score === 0 && audit.scoreDisplayMode === 'binary').map((audit) => audit.id);
      log(`  run ${i + 1}: performance ${p}, accessibility ${a}${failing.length ? ` (failing: ${failing.join(', ')})` : ''}`);
    }
  } finally {
    chrome.kill();
  }
  return {
    preset: 'desktop',
    page: url,
    runs,
    performance: median(perf),
    accessibility: median(a11y),
    performanceRuns: perf,
    accessibilityRuns: a11y,
    metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, Math.round(median(v) * 1000) / 1000])),
  };
}
