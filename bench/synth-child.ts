/**
 * The bench's synthesis (bench/fixed-monthly.ts `synthesize`), in its own process: the backend's
 * module state and CDK's environment stay out of the bench. Argument: a directory the parent made
 * and deletes. Synthesizes amplify/backend.ts offline as scripts/synth.ts does (the offline
 * context, any CDK_CONTEXT_JSON merged over it; no cdk-nag), with asset bundling skipped (the
 * templates are the same; only the Lambda bundles are not built), reads every `*.template.json`,
 * derives the custom metrics each handler publishes, and writes `<dir>/result.json`.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { App } from 'aws-cdk-lib';
import { offlineSynthContext } from '../amplify/cloud/settings.ts';
import type { CfnTemplate, PublishedMetrics, SynthResult } from './fixed-monthly.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = process.argv[2];
if (!dir) throw new Error('usage: synth-child.ts <output directory>');

const given: Record<string, unknown> = process.env.CDK_CONTEXT_JSON ? JSON.parse(process.env.CDK_CONTEXT_JSON) : {};
// `aws:cdk:bundling-stacks: []`: no stack's assets are bundled (what `cdk synth --exclusively` does to the others).
const context = offlineSynthContext({ 'aws:cdk:bundling-stacks': [], ...given });
process.env.CDK_CONTEXT_JSON = JSON.stringify(context);
process.env.CDK_OUTDIR = path.join(dir, 'cdk.out');

const started = performance.now();
const { backend, deploymentName } = await import('../amplify/backend.ts');
const assembly = (backend.stack.node.root as App).synth();
const templates: Record<string, CfnTemplate> = {};
for (const file of readdirSync(assembly.directory).filter((f) => f.endsWith('.template.json')).sort()) {
  templates[file] = JSON.parse(readFileSync(path.join(assembly.directory, file), 'utf8')) as CfnTemplate;
}
const seconds = (performance.now() - started) / 1000;

/**
 * The custom metrics each function publishes, as its handler publishes them: the handler's modules
 * (esbuild's module graph of amplify/functions/<name>/handler.ts, packages left out) name the
 * metrics (`METRICS.<group>.<name>` of amplify/server/environment.ts, or a literal in `addMetric`), and
 * the function's Powertools `Metrics` (amplify/functions/shared/powertools.ts `createObservability`,
 * configured as in the cloud: the deployment's namespace and service) gives the dimension sets each
 * is published with: serialized once with a probe metric. Calls that add dimension sets or metrics
 * of their own are reported, not counted.
 */
async function publishedMetrics(): Promise<PublishedMetrics[]> {
  const { build } = await import('esbuild');
  const { MetricUnit } = await import('@aws-lambda-powertools/metrics');
  const { FUNCTIONS } = await import('../amplify/server/settings/functions.ts');
  const { ENV, METRICS } = await import('../amplify/server/environment.ts');
  process.env[ENV.deploymentName] = deploymentName;
  const { createObservability } = await import('../amplify/functions/shared/powertools.ts');
  const groups = METRICS as unknown as Record<string, Record<string, unknown>>;
  const out: PublishedMetrics[] = [];
  for (const fn of Object.values(FUNCTIONS)) {
    const entry = path.join(root, 'amplify', 'functions', fn.name, 'handler.ts');
    if (!existsSync(entry)) continue;
    const { metafile } = await build({ entryPoints: [entry], bundle: true, write: false, metafile: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'silent', absWorkingDir: root });
    const names = new Set<string>();
    const sources: string[] = [];
    const uncounted: string[] = [];
    for (const input of Object.keys(metafile.inputs).filter((f) => !f.includes('node_modules')).sort()) {
      const text = readFileSync(path.join(root, input), 'utf8');
      const before = names.size;
      for (const m of text.matchAll(/\bMETRICS\.(\w+)\.(\w+)\b/g)) {
        const name = groups[m[1]!]?.[m[2]!];
        if (typeof name === 'string') names.add(name);
      }
      for (const m of text.matchAll(/\baddMetric\(\s*['"`]([^'"`]+)['"`]/g)) names.add(m[1]!);
      if (names.size > before || /\baddMetric\(/.test(text)) sources.push(input);
      for (const m of text.matchAll(/\.(addDimensions?|setDefaultDimensions|singleMetric|captureColdStartMetric)\(|\b(defaultDimensions|captureColdStartMetric)\s*:/g)) uncounted.push(`${m[1] ?? m[2]} in ${input}`);
    }
    const { metrics } = createObservability(fn.name);
    metrics.addMetric('Probe', MetricUnit.Count, 1);
    const emf = metrics.serializeMetrics() as unknown as { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] } } & Record<string, unknown>;
    metrics.clearMetrics();
    const [directive] = emf._aws.CloudWatchMetrics;
    out.push({
      function: fn.name,
      namespace: directive?.Namespace ?? '',
      dimensionSets: (directive?.Dimensions ?? []).map((set) => Object.fromEntries(set.map((key) => [key, String(emf[key])]))),
      metrics: [...names].sort(),
      sources,
      uncounted,
    });
  }
  return out;
}

const result: SynthResult = { stackName: backend.stack.stackName, context, templates, published: await publishedMetrics(), seconds };
writeFileSync(path.join(dir, 'result.json'), JSON.stringify(result));
// Done: whatever the backend's modules left open (clients, timers) must not keep the bench waiting.
process.exit(0);
