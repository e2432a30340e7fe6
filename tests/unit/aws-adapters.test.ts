/**
 * The small AWS adapters, each against a stand-in of its client that records what is sent and
 * answers as AWS does (no local service started): the customer's e-mail through SES (sent once,
 * tagged with its order; a rejection is not worth a retry, anything else is), the per-minute order
 * limit, the closed accounts, the per-day counters, the secret, and the Cognito user pool's API
 * (signed, its errors shaped like the SDK's so app-server answers 503 only for AWS's faults).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2ServiceException, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OrderEmail } from '../../amplify/domain/notification.ts';
import { CognitoAccounts, cognitoCaller, CognitoServiceError } from '../../amplify/server/aws/cognito-accounts.ts';
import { DynamoDbClosedAccounts } from '../../amplify/server/aws/dynamodb-closed-accounts.ts';
import { DynamoDbOrderRateLimiter } from '../../amplify/server/aws/dynamodb-order-rate.ts';
import { DynamoDbStatsStore, statsStoreFromEnv } from '../../amplify/server/aws/dynamodb-stats-store.ts';
import { secretString } from '../../amplify/server/aws/secrets-manager-secret.ts';
import { EmailRejectedError, EmailSendError, SesMailer } from '../../amplify/server/aws/ses-mailer.ts';
import { ENV } from '../../amplify/server/environment.ts';
import { CLOSED_ACCOUNTS } from '../../amplify/server/settings/api.ts';
import { LOCAL_AWS } from '../../local/shared/aws.ts';
import { verifySigV4 } from '../../local/shared/sigv4.ts';

type Sent = { name: string; input: Record<string, unknown> };

/** A client whose `send` records each command (its class name and input) and answers with `answer`. */
function recordingClient(answer: (command: Sent, index: number) => unknown) {
  const sent: Sent[] = [];
  const send = vi.fn(async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    const entry = { name: command.constructor.name, input: command.input };
    sent.push(entry);
    return answer(entry, sent.length - 1);
  });
  return { client: { send } as unknown as DynamoDBDocumentClient & SESv2Client & SecretsManagerClient, sent };
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('SesMailer: the customer\u2019s e-mail', () => {
  const email: OrderEmail = { kind: 'order-shipped', orderId: 'o-1', to: 'ana@example.com', subject: 'Shipped', text: 'On its way', html: '<p>On its way</p>' };
  const sesError = (name: string) => new SESv2ServiceException({ name, $fault: 'client', $metadata: {}, message: `${name} happened` });

  it('sends one message from MAIL_FROM to the order\u2019s customer, both parts, with the configuration set and the order\u2019s tags', async () => {
    const { client, sent } = recordingClient(() => ({ MessageId: 'm-1' }));
    const mailer = new SesMailer(client, { from: 'shop@example.com', configurationSet: 'orders-mail' });
    expect(await mailer.send(email)).toEqual({ messageId: 'm-1' });
    expect(sent).toEqual([
      {
        name: 'SendEmailCommand',
        input: {
          FromEmailAddress: 'shop@example.com',
          Destination: { ToAddresses: ['ana@example.com'] },
          Content: {
            Simple: {
              Subject: { Data: 'Shipped', Charset: 'UTF-8' },
              Body: { Text: { Data: 'On its way', Charset: 'UTF-8' }, Html: { Data: '<p>On its way</p>', Charset: 'UTF-8' } },
            },
          },
          ConfigurationSetName: 'orders-mail',
          EmailTags: [
            { Name: 'orderId', Value: 'o-1' },
            { Name: 'kind', Value: 'order-shipped' },
          ],
        },
      },
    ]);
  });

  it('without a configuration set none is named; an answer without a message id reads as empty', async () => {
    const { client, sent } = recordingClient(() => ({}));
    expect(await new SesMailer(client, { from: 'shop@example.com' }).send(email)).toEqual({ messageId: '' });
    expect(sent[0]!.input.ConfigurationSetName).toBeUndefined();
  });

  it('an answer that would repeat for this message is a rejection (never retried); every other failure is worth another try', async () => {
    for (const name of ['MessageRejected', 'MailFromDomainNotVerifiedException', 'BadRequestException', 'NotFoundException', 'AccountSuspendedException', 'SendingPausedException']) {
      const cause = sesError(name);
      const mailer = new SesMailer(recordingClient(() => Promise.reject(cause)).client, { from: 'shop@example.com' });
      const error = await mailer.send(email).catch((e: unknown) => e as Error);
      expect(error).toBeInstanceOf(EmailRejectedError);
      expect(error).toMatchObject({ name: 'EmailRejectedError', message: `SES: ${name}: ${name} happened`, cause });
    }
    for (const cause of [sesError('TooManyRequestsException'), sesError('LimitExceededException'), Object.assign(new Error('socket hang up'), { name: 'MessageRejected' })]) {
      const mailer = new SesMailer(recordingClient(() => Promise.reject(cause)).client, { from: 'shop@example.com' });
      const error = await mailer.send(email).catch((e: unknown) => e as Error);
      expect(error).toBeInstanceOf(EmailSendError);
      expect(error).not.toBeInstanceOf(EmailRejectedError);
      expect(error).toMatchObject({ name: 'EmailSendError', message: `SES: ${cause.name}: ${cause.message}`, cause });
    }
  });
});

describe('DynamoDbOrderRateLimiter: orders per account per minute', () => {
  const now = new Date('2026-12-07T10:15:42.250Z');
  const minute = Math.floor(now.getTime() / 60_000);

  it('counts the order in the account\u2019s minute, refusing to pass the limit, the counter expiring 2 minutes after its minute', async () => {
    const { client, sent } = recordingClient(() => ({}));
    expect(await new DynamoDbOrderRateLimiter(client, 'idem', 20).admit('sub-a', now)).toEqual({ allowed: true });
    expect(sent).toEqual([
      {
        name: 'UpdateCommand',
        input: {
          TableName: 'idem',
          Key: { id: `order-rate#${sha('sub-a')}#${minute}` },
          UpdateExpression: 'ADD #count :one SET #expires = if_not_exists(#expires, :expires)',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'orders', '#expires': 'expiration' },
          ExpressionAttributeValues: { ':one': 1, ':limit': 20, ':expires': (minute + 1) * 60 + 120 },
        },
      },
    ]);
  });

  it('over the limit: refused, to retry when the minute is over (at least 1 s)', async () => {
    const full = () => Promise.reject(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    const limiter = new DynamoDbOrderRateLimiter(recordingClient(full).client, 'idem', 3);
    expect(await limiter.admit('sub-a', now)).toEqual({ allowed: false, retryAfterSeconds: 18 });
    expect(await limiter.admit('sub-a', new Date('2026-12-07T10:15:00.000Z'))).toEqual({ allowed: false, retryAfterSeconds: 60 });
    expect(await limiter.admit('sub-a', new Date('2026-12-07T10:15:59.999Z'))).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(await limiter.admit('sub-a', new Date('2026-12-07T10:15:59.100Z'))).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('another failure is not a refusal: it is thrown (a 503, not a 429)', async () => {
    const down = new Error('ProvisionedThroughputExceededException');
    await expect(new DynamoDbOrderRateLimiter(recordingClient(() => Promise.reject(down)).client, 'idem', 3).admit('sub-a', now)).rejects.toBe(down);
  });

  it('limit 0 (or below) turns the limit off: nothing is counted', async () => {
    for (const limit of [0, -1]) {
      const { client, sent } = recordingClient(() => ({}));
      expect(await new DynamoDbOrderRateLimiter(client, 'idem', limit).admit('sub-a', now)).toEqual({ allowed: true });
      expect(sent).toEqual([]);
    }
    const { client, sent } = recordingClient(() => ({}));
    await new DynamoDbOrderRateLimiter(client, 'idem', 1).admit('sub-a');
    expect(sent).toHaveLength(1);
  });
});

describe('DynamoDbClosedAccounts: deleted accounts whose tokens may still be valid', () => {
  const at = new Date('2026-12-07T10:00:00.700Z');
  const expires = Math.floor(at.getTime() / 1000) + CLOSED_ACCOUNTS.keepSeconds;

  it('remembers the account under its hash (not its id) until no token of it can be valid', async () => {
    const { client, sent } = recordingClient(() => ({}));
    await new DynamoDbClosedAccounts(client, 'idem').close('sub-a', at);
    expect(CLOSED_ACCOUNTS.keepSeconds).toBeGreaterThan(60 * 60);
    expect(sent).toEqual([{ name: 'PutCommand', input: { TableName: 'idem', Item: { id: `closed-account#${sha('sub-a')}`, expiration: expires } } }]);
  });

  it('closed until its expiry, read consistently (TTL deletes days late); an account never closed is not', async () => {
    const { client, sent } = recordingClient(({ input }) => ((input.Key as { id: string }).id === `closed-account#${sha('sub-a')}` ? { Item: { id: 'x', expiration: expires } } : {}));
    const closed = new DynamoDbClosedAccounts(client, 'idem');
    expect(await closed.isClosed('sub-a', new Date((expires - 1) * 1000))).toBe(true);
    expect(await closed.isClosed('sub-a', new Date(expires * 1000 - 1))).toBe(true);
    expect(await closed.isClosed('sub-a', new Date(expires * 1000))).toBe(false);
    expect(await closed.isClosed('sub-b', at)).toBe(false);
    expect(sent[0]).toEqual({ name: 'GetCommand', input: { TableName: 'idem', Key: { id: `closed-account#${sha('sub-a')}` }, ConsistentRead: true } });
    // Without a time given: now.
    const later = Math.floor(Date.now() / 1000) + 60;
    expect(await new DynamoDbClosedAccounts(recordingClient(() => ({ Item: { id: 'x', expiration: later } })).client, 'idem').isClosed('sub-a')).toBe(true);
    expect(await new DynamoDbClosedAccounts(recordingClient(() => ({ Item: { id: 'x', expiration: later - 120 } })).client, 'idem').isClosed('sub-a')).toBe(false);
    const odd = new DynamoDbClosedAccounts(recordingClient(() => ({ Item: { id: 'x', expiration: String(expires) } })).client, 'idem');
    expect(await odd.isClosed('sub-a', at)).toBe(false);
  });
});

describe('DynamoDbStatsStore: the per-day counters', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('one ADD per change, of the counters that moved, in the shop\u2019s time zone\u2019s partition', async () => {
    const { client, sent } = recordingClient(() => ({}));
    const store = new DynamoDbStatsStore(client, 'stats', 'Europe/Madrid');
    await store.add({ day: '2026-12-07', counts: { placed: 1, revenueCents: 0, cancelled: -1 } });
    expect(sent).toEqual([
      {
        name: 'UpdateCommand',
        input: {
          TableName: 'stats',
          Key: { pk: 'DAY#Europe/Madrid', day: '2026-12-07' },
          UpdateExpression: 'ADD #c0 :c0, #c1 :c1',
          ExpressionAttributeNames: { '#c0': 'placed', '#c1': 'cancelled' },
          ExpressionAttributeValues: { ':c0': 1, ':c1': -1 },
        },
      },
    ]);
    await store.add({ day: '2026-12-07', counts: { placed: 0 } });
    await store.add({ day: '2026-12-07', counts: {} });
    expect(sent).toHaveLength(1);
  });

  it('a range of days read page by page, each day\u2019s counters without its keys', async () => {
    const pages = [
      { Items: [{ pk: 'DAY#UTC', day: '2026-12-01', placed: 2 }], LastEvaluatedKey: { pk: 'DAY#UTC', day: '2026-12-01' } },
      { Items: [{ pk: 'DAY#UTC', day: '2026-12-03', placed: 1, cancelled: 1 }], LastEvaluatedKey: { pk: 'DAY#UTC', day: '2026-12-03' } },
      {},
    ];
    const { client, sent } = recordingClient((_, index) => pages[index]);
    expect(await new DynamoDbStatsStore(client, 'stats', 'UTC').days('2026-12-01', '2026-12-07')).toEqual([
      { day: '2026-12-01', counts: { placed: 2 } },
      { day: '2026-12-03', counts: { placed: 1, cancelled: 1 } },
    ]);
    expect(sent.map((s) => s.input.ExclusiveStartKey)).toEqual([undefined, pages[0]!.LastEvaluatedKey, pages[1]!.LastEvaluatedKey]);
    expect(sent[0]!.input).toEqual({
      TableName: 'stats',
      KeyConditionExpression: '#pk = :pk AND #day BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#pk': 'pk', '#day': 'day' },
      ExpressionAttributeValues: { ':pk': 'DAY#UTC', ':from': '2026-12-01', ':to': '2026-12-07' },
      ExclusiveStartKey: undefined,
    });
  });

  it('from the environment: the table, and the shop\u2019s time zone (UTC unless set; an invalid one fails at start)', () => {
    const { client } = recordingClient(() => ({}));
    vi.stubEnv(ENV.statsTable, 'stats-table');
    vi.stubEnv(ENV.shopTimeZone, '');
    expect(statsStoreFromEnv(client).timeZone).toBe('UTC');
    vi.stubEnv(ENV.shopTimeZone, 'Europe/Madrid');
    expect(statsStoreFromEnv(client).timeZone).toBe('Europe/Madrid');
    vi.stubEnv(ENV.shopTimeZone, 'Mars/Olympus');
    expect(() => statsStoreFromEnv(client)).toThrow(/Not an IANA time zone/);
    vi.stubEnv(ENV.shopTimeZone, 'UTC');
    vi.stubEnv(ENV.statsTable, '');
    expect(() => statsStoreFromEnv(client)).toThrow(`Environment variable ${ENV.statsTable} is not set`);
  });
});

describe('secretString', () => {
  it('reads the secret\u2019s string each time it is asked; a secret without one is an error naming it', async () => {
    const { client, sent } = recordingClient(() => ({ SecretString: 's3cret' }));
    const read = secretString(client, 'arn:secret');
    expect(sent).toEqual([]);
    expect(await read()).toBe('s3cret');
    expect(sent).toEqual([{ name: 'GetSecretValueCommand', input: { SecretId: 'arn:secret' } }]);
    await expect(secretString(recordingClient(() => ({ SecretBinary: new Uint8Array([1]) })).client, 'arn:bin')()).rejects.toThrow('The secret arn:bin has no string value');
  });
});

describe('CognitoAccounts: the user pool\u2019s API', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.unstubAllEnvs();
  });

  /** fetch answering each action from `answers` (status and body), recording the requests. */
  function pool(answers: Record<string, [number, unknown]>) {
    const requests: { url: string; init: RequestInit; action: string; body: Record<string, unknown> }[] = [];
    vi.stubGlobal('fetch', vi.fn(async (url: URL, init: RequestInit) => {
      const action = String((init.headers as Record<string, string>)['x-amz-target']).split('.').pop()!;
      requests.push({ url: String(url), init, action, body: JSON.parse(String(init.body)) as Record<string, unknown> });
      const [status, body] = answers[action] ?? [500, {}];
      return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
    }));
    return requests;
  }
  const signedAsLocal = () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_AWS.credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_AWS.credentials.secretAccessKey);
    vi.stubEnv('AWS_SESSION_TOKEN', '');
  };

  it('a call is signed for cognito-idp, in the region, to the endpoint set (the port kept) or the region\u2019s', async () => {
    signedAsLocal();
    const requests = pool({ AdminGetUser: [200, { Username: 'u' }] });
    vi.stubEnv('AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER', 'http://127.0.0.1:9229/');
    expect(await cognitoCaller('eu-west-1')('AdminGetUser', { Username: 'u' })).toEqual({ Username: 'u' });
    const [local] = requests;
    expect(local!.url).toBe('http://127.0.0.1:9229/');
    const headers = local!.init.headers as Record<string, string>;
    expect(headers['x-amz-target']).toBe('AWSCognitoIdentityProviderService.AdminGetUser');
    expect(headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(headers.host).toBe('127.0.0.1:9229');
    expect(headers.authorization).toMatch(/\/eu-west-1\/cognito-idp\/aws4_request/);
    expect(await verifySigV4({ method: 'POST', url: '/', headers }, Buffer.from(String(local!.init.body)), Date.now())).toBeUndefined();
    expect(local!.init.method).toBe('POST');
    expect(local!.init.signal).toBeInstanceOf(AbortSignal);

    vi.stubEnv('AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER', undefined);
    vi.stubEnv('AWS_REGION', 'ap-south-1');
    await cognitoCaller()('AdminGetUser', {});
    expect(requests[1]!.url).toBe('https://cognito-idp.ap-south-1.amazonaws.com/');
    expect((requests[1]!.init.headers as Record<string, string>).authorization).toMatch(/\/ap-south-1\/cognito-idp\//);
    vi.stubEnv('AWS_REGION', undefined);
    await cognitoCaller()('AdminGetUser', {});
    expect(requests[2]!.url).toBe('https://cognito-idp.us-east-1.amazonaws.com/');
  });

  it('an error answer is a CognitoServiceError shaped like the SDK\u2019s: the type, client or server fault, throttling', async () => {
    signedAsLocal();
    vi.stubEnv('AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER', 'http://127.0.0.1:9229/');
    const call = cognitoCaller('us-east-1');
    const failure = async (status: number, body: unknown) => {
      pool({ AdminGetUser: [status, body] });
      return call('AdminGetUser', {}).catch((error: unknown) => error as CognitoServiceError);
    };
    const missing = await failure(400, { __type: 'com.amazonaws.cognito#UserNotFoundException', message: 'User does not exist.' });
    expect(missing).toBeInstanceOf(CognitoServiceError);
    expect(missing).toMatchObject({ name: 'UserNotFoundException', message: 'UserNotFoundException: User does not exist.', $metadata: { httpStatusCode: 400 }, $fault: 'client' });
    expect(missing.$retryable).toBeUndefined();
    expect(await failure(400, { __type: 'TooManyRequestsException', Message: 'Slow down' })).toMatchObject({ name: 'TooManyRequestsException', message: 'TooManyRequestsException: Slow down', $fault: 'client', $retryable: { throttling: true } });
    expect(await failure(429, {})).toMatchObject({ name: 'Http429', message: 'Http429: ', $retryable: { throttling: true } });
    expect(await failure(500, 'not json')).toMatchObject({ name: 'Http500', $fault: 'server', $metadata: { httpStatusCode: 500 } });
    const unavailable = await failure(503, { __type: 'InternalErrorException' });
    expect(unavailable).toMatchObject({ name: 'InternalErrorException', $fault: 'server' });
    expect(unavailable.$retryable).toBeUndefined();
    expect(await failure(499, {})).toMatchObject({ $fault: 'client' });
  });

  it('an account: its attributes, creation date, status, second factor and groups, asked of the pool it names', async () => {
    const calls: { action: string; body: Record<string, unknown> }[] = [];
    const call = async (action: string, body: Record<string, unknown>) => {
      calls.push({ action, body });
      if (action === 'AdminGetUser') {
        return { UserAttributes: [{ Name: 'sub', Value: 'sub-1' }, { Name: 'email', Value: 'ana@example.com' }], UserCreateDate: 1_765_000_000.5, Enabled: true, UserMFASettingList: ['SOFTWARE_TOKEN_MFA'] };
      }
      return { Groups: [{ GroupName: 'ADMINS' }, { GroupName: 'beta' }] };
    };
    expect(await new CognitoAccounts(() => 'pool-1', call).get('sub-1')).toEqual({
      sub: 'sub-1',
      attributes: { sub: 'sub-1', email: 'ana@example.com' },
      createdAt: new Date(1_765_000_000_500).toISOString(),
      enabled: true,
      totp: true,
      groups: ['ADMINS', 'beta'],
    });
    expect(calls).toEqual([
      { action: 'AdminGetUser', body: { UserPoolId: 'pool-1', Username: 'sub-1' } },
      { action: 'AdminListGroupsForUser', body: { UserPoolId: 'pool-1', Username: 'sub-1', Limit: 60 } },
    ]);
  });

  it('a bare account: the sub asked for, enabled unless disabled, no second factor, no groups', async () => {
    const bare = new CognitoAccounts(() => 'pool-1', async () => ({}));
    expect(await bare.get('sub-2')).toEqual({ sub: 'sub-2', attributes: {}, createdAt: undefined, enabled: true, totp: false, groups: [] });
    const disabled = new CognitoAccounts(() => 'pool-1', async (action) => (action === 'AdminGetUser' ? { Enabled: false, UserMFASettingList: ['SMS_MFA'], UserCreateDate: '2026' } : { Groups: [] }));
    expect(await disabled.get('sub-3')).toMatchObject({ enabled: false, totp: false, createdAt: undefined });
  });

  it('a missing account reads as none and deletes as done; any other failure is thrown', async () => {
    const missing = new CognitoServiceError('UserNotFoundException', 'gone', 400);
    const throttled = new CognitoServiceError('TooManyRequestsException', 'slow', 400);
    const failing = (error: Error) => new CognitoAccounts(() => 'pool-1', async () => Promise.reject(error));
    expect(await failing(missing).get('sub-1')).toBeUndefined();
    await expect(failing(missing).delete('sub-1')).resolves.toBeUndefined();
    await expect(failing(throttled).get('sub-1')).rejects.toBe(throttled);
    await expect(failing(throttled).delete('sub-1')).rejects.toBe(throttled);
    const other = Object.assign(new Error('gone'), { name: 'UserNotFoundException' });
    await expect(failing(other).get('sub-1')).rejects.toBe(other);

    const calls: unknown[] = [];
    await new CognitoAccounts(() => 'pool-9', async (action, body) => (calls.push({ action, body }), {})).delete('sub-1');
    expect(calls).toEqual([{ action: 'AdminDeleteUser', body: { UserPoolId: 'pool-9', Username: 'sub-1' } }]);
  });
});
