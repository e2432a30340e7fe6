/**
 * `npm run synth`: synthesizes the Amplify backend offline into `cdk.out/` (no AWS account or
 * credentials needed), after checking it with cdk-nag's AwsSolutions rules.
 *
 * Context: the three amplify-backend keys (a sandbox named `offline`) plus cycle detection; any
 * `CDK_CONTEXT_JSON` you pass is merged over them, e.g.
 *   CDK_CONTEXT_JSON='{"notificationEmail":"ops@example.com"}' npm run synth
 *   NOTIFICATION_EMAIL=ops@example.com npm run synth
 */
import { readdirSync, rmSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { offlineSynthContext } from '../amplify/cloud/settings.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = resolve(root, 'cdk.out');
const given: Record<string, unknown> = process.env.CDK_CONTEXT_JSON ? JSON.parse(process.env.CDK_CONTEXT_JSON) : {};
process.env.CDK_CONTEXT_JSON = JSON.stringify(offlineSynthContext(given));
process.env.CDK_OUTDIR = outdir;
rmSync(outdir, { recursive: true, force: true });

const started = Date.now();
const { backend } = await import('../amplify/backend.ts');
const app = backend.stack.node.root as App;

// Both rule packs cdk-nag ships for this kind of app; every finding is fixed or acknowledged.
const violations = [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap((pack) => pack.validateScope(app).violations);
if (violations.length > 0) {
  for (const v of violations) {
    console.error(`${v.ruleName}: ${v.description}`);
    for (const r of v.violatingResources) console.error(`  ${r.constructPath} ${r.locations.join(" ")}`);
  }
  console.error(`cdk-nag: ${violations.length} unacknowledged rule(s); see amplify/cloud/nag.ts`);
  process.exit(1);
}

const assembly = app.synth();
const templates = readdirSync(assembly.directory).filter((file) => file.endsWith('.template.json'));
console.log(`Synthesized ${assembly.stacks.map((s) => s.stackName).join(', ')} in ${Date.now() - started} ms`);
console.log(`cdk-nag AwsSolutions and Serverless: no unacknowledged findings`);
console.log(`Cloud assembly: ${relative(process.cwd(), assembly.directory) || '.'} (${templates.join(', ')})`);
