/**
 * AWS Signature Version 4 for the local user pool: `signedFetch` signs a Cognito API call as the
 * AWS SDK does (the stack's own administrative calls), `verifySigV4` checks an incoming request's
 * signature against the local stack's credentials (`LOCAL_AWS`), as AWS checks an IAM caller's
 * (the user pool's, and the AppSync Events stand-in's publish).
 * Both use the SDK's own signer (@smithy/signature-v4), so what the SDK signs verifies here.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, timingSafeEqual } from 'node:crypto';
import { LOCAL_AWS } from './aws.ts';

export const COGNITO_SIGNING_SERVICE = 'cognito-idp';
/** How far a signature's date may be from now (AWS: 15 minutes, then "Signature expired"). */
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

const signer = (region: string) =>
  new SignatureV4({ credentials: LOCAL_AWS.credentials, region, service: COGNITO_SIGNING_SERVICE, sha256: Sha256 });

/** Why a request is not an IAM caller's, as AWS names it; undefined when its signature holds. */
export type SigV4Refusal = { type: 'MissingAuthenticationTokenException' | 'UnrecognizedClientException' | 'InvalidSignatureException'; message: string };

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;

export async function verifySigV4(
  request: { method: string; url: string; headers: Record<string, string | string[] | undefined> },
  body: Buffer,
  now = Date.now(),
  /** The service the signature must be for (the local AppSync Events stand-in: `appsync`). */
  expectedService = COGNITO_SIGNING_SERVICE,
): Promise<SigV4Refusal | undefined> {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return { type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  const match = AUTHORIZATION.exec(header);
  if (!match) return { type: 'InvalidSignatureException', message: 'The Authorization header is not a SigV4 signature' };
  const [accessKeyId, day, region, service, signedHeaders, signature] = match.slice(1) as [string, string, string, string, string, string];
  if (accessKeyId !== LOCAL_AWS.credentials.accessKeyId) {
    return { type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
  }
  const amzDate = request.headers['x-amz-date'];
  const date = typeof amzDate === 'string' && amzDate.startsWith(day) ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate) : null;
  if (!date || service !== expectedService) {
    return { type: 'InvalidSignatureException', message: 'The credential scope does not match the request' };
  }
  const [y, mo, d, h, mi, se] = date.slice(1).map(Number) as [number, number, number, number, number, number];
  const signedAt = Date.UTC(y, mo - 1, d, h, mi, se);
  if (Math.abs(now - signedAt) > MAX_CLOCK_SKEW_MS) return { type: 'InvalidSignatureException', message: 'Signature expired' };
  // A stated payload hash must be the body's (the signer would otherwise trust it).
  const stated = request.headers['x-amz-content-sha256'];
  if (stated !== undefined && stated !== createHash('sha256').update(body).digest('hex')) {
    return { type: 'InvalidSignatureException', message: 'The request body does not match its stated hash' };
  }
  const headers: Record<string, string> = {};
  for (const name of signedHeaders.split(';')) {
    const value = request.headers[name];
    if (typeof value !== 'string') return { type: 'InvalidSignatureException', message: `Signed header ${name} is missing or repeated` };
    headers[name] = value;
  }
  const url = new URL(request.url, 'http://local');
  const query = Object.fromEntries(url.searchParams);
  const expected = await signer(region).sign(
    { method: request.method, protocol: 'http:', hostname: headers.host ?? '', path: url.pathname, query, headers, body: body.toString('utf8') },
    { signingDate: new Date(signedAt), signingRegion: region, signingService: service },
  );
  const expectedSignature = /Signature=([0-9a-f]{64})/.exec(String(expected.headers.authorization))?.[1] ?? '';
  const same = expectedSignature.length === signature.length && timingSafeEqual(Buffer.from(expectedSignature), Buffer.from(signature));
  return same ? undefined : { type: 'InvalidSignatureException', message: 'The request signature we calculated does not match the signature you provided.' };
}

/** A Cognito Identity Provider API call, signed with the local stack's credentials as the SDK signs it. */
export async function signedFetch(endpoint: string, action: string, body: unknown): Promise<Response> {
  const url = new URL(endpoint);
  const payload = JSON.stringify(body);
  const signed = await signer(LOCAL_AWS.region).sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    headers: {
      host: url.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${action}`,
    },
    body: payload,
  });
  return fetch(endpoint, { method: 'POST', headers: signed.headers, body: payload });
}
