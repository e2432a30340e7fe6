/**
 * `Accounts` on the Cognito user pool, through its IAM-authorized API (AdminGetUser,
 * AdminListGroupsForUser, AdminDeleteUser): JSON over HTTPS, SigV4-signed with the function's
 * credentials by the AWS SDK's own signer. (The project has no `@aws-sdk/client-cognito-identity-provider`
 * installed; this speaks the same wire protocol, and the local user pool checks the signature.)
 * The endpoint is the SDK's: `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER` when set (the local stack), else
 * `https://cognito-idp.<region>.amazonaws.com`.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Account, Accounts } from '../ports.ts';

/** A failed call, shaped like an AWS SDK error so app-server answers a fault or throttling with 503. */
export class CognitoServiceError extends Error {
  override readonly name: string;
  readonly $metadata: { httpStatusCode: number };
  readonly $fault: 'client' | 'server';
  readonly $retryable?: { throttling: boolean };
  constructor(type: string, message: string, status: number) {
    super(`${type}: ${message}`);
    this.name = type;
    this.$metadata = { httpStatusCode: status };
    const throttled = type === 'TooManyRequestsException' || status === 429;
    this.$fault = status >= 500 ? 'server' : 'client';
    if (throttled) this.$retryable = { throttling: true };
  }
}

type Call = (action: string, body: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** A signed Cognito Identity Provider call (JSON 1.1 protocol). */
export function cognitoCaller(region = process.env.AWS_REGION ?? 'us-east-1'): Call {
  const signer = new SignatureV4({ credentials: defaultProvider(), region, service: 'cognito-idp', sha256: Sha256 });
  return async (action, body) => {
    const url = new URL(process.env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER ?? `https://cognito-idp.${region}.amazonaws.com/`);
    const payload = JSON.stringify(body);
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: '/',
      headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${action}` },
      body: payload,
    });
    const response = await fetch(url, { method: 'POST', headers: signed.headers, body: payload, signal: AbortSignal.timeout(5_000) });
    const result = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      const type = String(result.__type ?? `Http${response.status}`).split('#').pop()!;
      throw new CognitoServiceError(type, String(result.message ?? result.Message ?? ''), response.status);
    }
    return result;
  };
}

const isMissing = (error: unknown) => error instanceof CognitoServiceError && error.name === 'UserNotFoundException';
const epochToIso = (value: unknown) => (typeof value === 'number' ? new Date(value * 1000).toISOString() : undefined);

export class CognitoAccounts implements Accounts {
  constructor(
    private readonly userPoolId: () => string,
    private readonly call: Call = cognitoCaller(),
  ) {}

  async get(sub: string): Promise<Account | undefined> {
    try {
      const Username = sub;
      const [user, groups] = await Promise.all([
        this.call('AdminGetUser', { UserPoolId: this.userPoolId(), Username }),
        this.call('AdminListGroupsForUser', { UserPoolId: this.userPoolId(), Username, Limit: 60 }),
      ]);
      const attributes = Object.fromEntries(((user.UserAttributes ?? []) as { Name: string; Value: string }[]).map((a) => [a.Name, a.Value]));
      return {
        sub: attributes.sub ?? sub,
        attributes,
        createdAt: epochToIso(user.UserCreateDate),
        enabled: user.Enabled !== false,
        totp: ((user.UserMFASettingList ?? []) as string[]).includes('SOFTWARE_TOKEN_MFA'),
        groups: ((groups.Groups ?? []) as { GroupName: string }[]).map((g) => g.GroupName),
      };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async delete(sub: string): Promise<void> {
    try {
      await this.call('AdminDeleteUser', { UserPoolId: this.userPoolId(), Username: sub });
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }
}
