/**
 * The deployment choices the per-order cost model prices, read from the backend's CDK source (the
 * same files `amplify/backend.ts` synthesizes), so that when the workflow or the functions change
 * the figures follow without anyone editing the bench:
 *
 *   workflowType          StateMachineType.STANDARD | EXPRESS (override: BENCH_WORKFLOW_TYPE)
 *   workflowLogLevel      the state machine's LogLevel (ALL | ERROR | FATAL | OFF)
 *   lambdaArchitecture    arm64 when the functions are configured ARM_64, else x86_64
 *   apiAccessLogFormat    the stage's AccessLogFormat factory (e.g. jsonWithStandardFields)
 *   xraySampling          the CfnSamplingRule's reservoir and fixed rate (amplify/cloud/tracing.ts:
 *                         literals there or in the constant it uses), else X-Ray's default rule; a
 *                         rule matched to another service type than the API stage leaves the API
 *                         on the default rule
 *   functionTracing       each function's X-Ray mode (Active | PassThrough), from settings/functions.ts FUNCTIONS
 *   lambdaSystemLogLevel  Lambda's own log lines kept (INFO keeps START/REPORT), settings/functions.ts FUNCTION_LOGGING
 *
 * The workflow has no sampling input: its executions follow the trace decision their starter hands
 * them (bench/cost.ts, X-Ray), so no rule matched to the state machine changes what is recorded.
 *
 * These are plain source reads (fast, and testable on a few files); what the stack pays every
 * month is counted from a real synthesis instead (bench/fixed-monthly.ts, ~8 s).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { FUNCTION_LOGGING, FUNCTIONS } from '../amplify/server/settings/functions.ts';

export interface CloudConfig {
  workflowType: 'STANDARD' | 'EXPRESS';
  workflowLogLevel: 'ALL' | 'ERROR' | 'FATAL' | 'OFF';
  workflowIncludesExecutionData: boolean;
  lambdaArchitecture: 'arm64' | 'x86_64';
  apiAccessLogFormat: string | undefined;
  /** The rule API Gateway samples the API's requests by. */
  xraySampling: { reservoirPerSecond: number; fixedRate: number; rule: string };
  /** Each function's X-Ray tracing mode, by function name. */
  functionTracing: Record<string, 'Active' | 'PassThrough'>;
  /** The functions' system log level: INFO writes Lambda's START/END/REPORT lines, WARN drops them. */
  lambdaSystemLogLevel: 'DEBUG' | 'INFO' | 'WARN';
  /** Where each value came from: `file` or `default`/`env`. */
  sources: Record<string, string>;
}

/** X-Ray's default sampling rule: the first request each second, and 5% of any further ones. */
export const XRAY_DEFAULT_SAMPLING = { reservoirPerSecond: 1, fixedRate: 0.05, rule: 'X-Ray default rule (1 request/s + 5%)' };

function sourceFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.ts$/.test(name) && !/\.test\.ts$/.test(name)) files.push(full);
    }
  };
  walk(path.join(root, 'amplify', 'cloud'));
  for (const fn of readdirSync(path.join(root, 'amplify', 'functions'))) {
    const resource = path.join(root, 'amplify', 'functions', fn, 'resource.ts');
    try {
      if (statSync(resource).isFile()) files.push(resource);
    } catch {
      // a shared folder without a function
    }
  }
  files.push(path.join(root, 'amplify', 'backend.ts'));
  return files;
}

/** Every match of `pattern` (first group) with its file, relative to root. */
function find(files: { file: string; text: string }[], pattern: RegExp): { value: string; file: string }[] {
  const out: { value: string; file: string }[] = [];
  for (const { file, text } of files) for (const m of text.matchAll(new RegExp(pattern, 'g'))) out.push({ value: m[1]!, file });
  return out;
}

export function readCloudConfig(root: string, env: NodeJS.ProcessEnv = process.env): CloudConfig {
  const files = sourceFiles(root).map((file) => ({ file: path.relative(root, file), text: readFileSync(file, 'utf8') }));
  const sources: Record<string, string> = {};

  const typeValues = find(files, /StateMachineType\.(STANDARD|EXPRESS)/).concat(find(files, /stateMachineType:\s*['"](STANDARD|EXPRESS)['"]/));
  let workflowType: CloudConfig['workflowType'];
  const override = env.BENCH_WORKFLOW_TYPE?.toUpperCase();
  if (override === 'STANDARD' || override === 'EXPRESS') {
    workflowType = override;
    sources.workflowType = 'env BENCH_WORKFLOW_TYPE';
  } else {
    // The order workflow: Express when the backend defines one (the seconds-long part), else Standard.
    const express = typeValues.find((t) => t.value === 'EXPRESS');
    const chosen = express ?? typeValues[0];
    if (!chosen) throw new Error('cost model: no state machine type found in amplify/cloud (set BENCH_WORKFLOW_TYPE)');
    workflowType = chosen.value as CloudConfig['workflowType'];
    sources.workflowType = chosen.file;
  }

  // The state machine's log level: from the file that sets its type, if it sets one there.
  const levels = find(files, /\bLogLevel\.(ALL|ERROR|FATAL|OFF)\b/).sort((a, b) => Number(b.file === sources.workflowType) - Number(a.file === sources.workflowType));
  const workflowLogLevel = (levels[0]?.value ?? 'OFF') as CloudConfig['workflowLogLevel'];
  sources.workflowLogLevel = levels[0]?.file ?? 'default (no logging configured)';
  const data = find(files, /includeExecutionData:\s*(true|false)/);
  const workflowIncludesExecutionData = data[0]?.value === 'true';

  const arm = find(files, /(Architecture\.ARM_64|['"]arm64['"])/);
  const lambdaArchitecture = arm.length > 0 ? 'arm64' : 'x86_64';
  sources.lambdaArchitecture = arm[0]?.file ?? 'default (x86_64)';

  const format = find(files, /AccessLogFormat\.(\w+)\(\)/);
  const apiAccessLogFormat = format[0]?.value;
  sources.apiAccessLogFormat = format[0]?.file ?? 'none';

  // The API's rule: the file that defines a CfnSamplingRule, its numbers written there as literals
  // (in the rule or in a constant the rule reads, as tracing.ts's TRACE_SAMPLING).
  const rule = files.find((f) => /CfnSamplingRule/.test(f.text));
  let xraySampling = XRAY_DEFAULT_SAMPLING;
  sources.xraySampling = 'none configured: X-Ray default rule';
  if (rule) {
    const reservoir = /reservoirSize:\s*([\d.]+)/.exec(rule.text);
    const rate = /fixedRate:\s*([\d.]+)/.exec(rule.text);
    const serviceTypes = [...rule.text.matchAll(/serviceType:\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
    const matchesApi = serviceTypes.length === 0 || serviceTypes.some((t) => t === '*' || t === 'AWS::ApiGateway::Stage');
    if (reservoir && rate && matchesApi) {
      const matched = serviceTypes.length > 0 ? ` (${[...new Set(serviceTypes)].join(', ')})` : '';
      xraySampling = { reservoirPerSecond: Number(reservoir[1]), fixedRate: Number(rate[1]), rule: `CfnSamplingRule${matched} in ${rule.file}` };
      sources.xraySampling = rule.file;
    } else {
      sources.xraySampling = `${rule.file}: ${matchesApi ? 'reservoir and rate not found' : `matched to ${serviceTypes.join(', ')}, not the API stage`}: X-Ray default rule`;
    }
  }
  const functionTracing = Object.fromEntries(Object.values(FUNCTIONS).map((f) => [f.name, f.tracing]));
  sources.functionTracing = 'amplify/server/settings/functions.ts';
  const lambdaSystemLogLevel = FUNCTION_LOGGING.systemLevel;

  return { workflowType, workflowLogLevel, workflowIncludesExecutionData, lambdaArchitecture, apiAccessLogFormat, xraySampling, functionTracing, lambdaSystemLogLevel, sources };
}

/**
 * The byte length of one API Gateway access log line in the stage's format (aws-cdk-lib's
 * AccessLogFormat factory the backend calls), its `$context.*` variables filled with `values`
 * (by the variable's last name: `$context.identity.sourceIp` -> `ip`'s value is used by its JSON key).
 */
export async function accessLogLineBytes(format: string | undefined, values: Record<string, string>): Promise<number> {
  if (!format) return 0;
  const { AccessLogFormat } = await import('aws-cdk-lib/aws-apigateway');
  const factory = (AccessLogFormat as unknown as Record<string, () => { toString(): string }>)[format];
  if (typeof factory !== 'function' || factory.length > 0) return 0;
  const template = factory.call(AccessLogFormat).toString();
  // JSON formats: `"key":"$context..."`: the value is filled by its key; others by the variable's last segment.
  const line = template
    .replace(/"(\w+)":"\$context\.[\w.]+"/g, (_, key: string) => `"${key}":"${values[key] ?? '-'}"`)
    .replace(/\$context\.([\w.]+)/g, (_, variable: string) => values[variable.split('.').at(-1)!] ?? '-');
  return Buffer.byteLength(line, 'utf8');
}
