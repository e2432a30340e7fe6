/**
 * A local AWS Secrets Manager on 127.0.0.1, for the unchanged handlers
 * (`AWS_ENDPOINT_URL_SECRETS_MANAGER`): `GetSecretValue` only (JSON 1.1 protocol,
 * `X-Amz-Target: secretsmanager.GetSecretValue`), for the secrets the stack declares. Each secret's
 * value is generated at the first start (random, like CloudFormation's `GenerateSecretString`) and
 * kept in the data folder (mode 0600), so what was derived from it (a guest order's link in an
 * e-mail) still works after a restart. A request must be SigV4-signed for the `secretsmanager`
 * service; an unknown secret is `ResourceNotFoundException`, as in AWS.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { BodyError, readBody, serveAwsEndpoint, type Log } from '../shared/http-guard.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../shared/aws.ts';

const TARGET = 'secretsmanager.GetSecretValue';

/** The ARN a secret of this name has locally (AWS adds six random characters to the name). */
export const localSecretArn = (name: string) => `arn:aws:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT}:secret:${name}-local0`;

/** The secrets' values: read from the data folder, or generated and written there the first time. */
function loadSecrets(dataDir: string, names: readonly string[]): Map<string, string> {
  const file = path.join(dataDir, 'secrets.json');
  const stored: Record<string, string> = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  let changed = false;
  for (const name of names) {
    if (stored[name]) continue;
    stored[name] = randomBytes(48).toString('base64url');
    changed = true;
  }
  if (changed) writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  return new Map(names.map((name) => [localSecretArn(name), stored[name]!]));
}

function answer(res: http.ServerResponse, status: number, body: unknown, type?: string) {
  res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', ...(type ? { 'x-amzn-ErrorType': type } : {}) });
  res.end(JSON.stringify(type ? { __type: type, message: (body as { message: string }).message } : body));
}

export async function startLocalSecretsManager(options: { dataDir: string; secretNames: readonly string[]; log?: Log }) {
  const log = options.log ?? (() => undefined);
  const secrets = loadSecrets(options.dataDir, options.secretNames);
  const server = http.createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || req.headers['x-amz-target'] !== TARGET) {
        answer(res, 400, { message: `The local Secrets Manager answers only ${TARGET}` }, 'InvalidRequestException');
        return;
      }
      if (!/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[^/]+\/secretsmanager\/aws4_request/.test(req.headers.authorization ?? '')) {
        answer(res, 400, { message: 'A SigV4-signed request for the secretsmanager service is required' }, 'UnrecognizedClientException');
        return;
      }
      let secretId: unknown;
      try {
        secretId = (JSON.parse((await readBody(req, 64 * 1024, 10_000)).toString('utf8')) as { SecretId?: unknown }).SecretId;
      } catch (error) {
        answer(res, error instanceof BodyError ? error.status : 400, { message: 'The body is not JSON' }, 'InvalidRequestException');
        return;
      }
      const value = typeof secretId === 'string' ? secrets.get(secretId) : undefined;
      if (value === undefined) {
        answer(res, 400, { message: "Secrets Manager can't find the specified secret." }, 'ResourceNotFoundException');
        return;
      }
      const arn = secretId as string;
      answer(res, 200, { ARN: arn, Name: arn.split(':secret:')[1], SecretString: value, VersionId: 'local', VersionStages: ['AWSCURRENT'] });
    })().catch((error: unknown) => {
      log(`Secrets Manager: ${(error as Error).message}`);
      if (!res.headersSent) answer(res, 500, { message: 'Internal error' }, 'InternalServiceError');
    });
  });
  return serveAwsEndpoint(server, 'Secrets Manager', log);
}
