/**
 * Fast checks of the cloud helpers without an Amplify synthesis: the request model generated from
 * the shared valibot schema, the deployment settings, and `OrdersCloud` variants (e-mail subscription, custom domain,
 * branch retention) in a plain CDK stack with stand-in functions.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { JsonSchemaVersion } from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { OrdersCloud, type OrdersCloudProps } from '../../amplify/cloud/orders-cloud.ts';
import { requestModelSchema, toCdkJsonSchema } from '../../amplify/cloud/request-model.ts';
import { API_THROTTLE_DEFAULTS, NOTIFICATION_EVENTS_DEFAULT, offlineSynthContext, readDeploySettings, SETTINGS } from '../../amplify/cloud/settings.ts';
import { CANCEL_WINDOW } from '../../amplify/server/settings/pipeline.ts';
import { createOrderRequestSchema } from '../../amplify/domain/order.ts';
import { ORDER_LIMITS, PAYMENT_METHODS } from '../../amplify/domain/order-rules.ts';
import { validate } from '../../amplify/domain/validation.ts';

type Json = Record<string, any>;

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

/** Keywords the generated model may contain (aws-cdk-lib `JsonSchema`, rendered with `$`). */
const ALLOWED = new Set([
  '$schema', 'type', 'title', 'description', 'enum', 'default', 'format', 'multipleOf', 'maximum',
  'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems',
  'minItems', 'uniqueItems', 'maxProperties', 'minProperties', 'required', 'additionalItems',
  'additionalProperties', 'not', 'allOf', 'anyOf', 'oneOf', 'properties', 'patternProperties',
  'definitions', 'items', 'schema', 'ref', 'id',
]);
function keywords(schema: Json, found = new Set<string>()): Set<string> {
  for (const [key, value] of Object.entries(schema)) {
    found.add(key);
    if (key === 'properties' || key === 'patternProperties' || key === 'definitions') {
      for (const sub of Object.values(value as Json)) keywords(sub as Json, found);
    } else if (value && typeof value === 'object' && !Array.isArray(value)) keywords(value as Json, found);
    else if (Array.isArray(value)) for (const sub of value) if (sub && typeof sub === 'object') keywords(sub, found);
  }
  return found;
}

describe('request model from the shared schema', () => {
  const model = requestModelSchema(createOrderRequestSchema, 'CreateOrderRequest') as Json;

  it('is draft 4 and carries the shared schema’s rules', () => {
    expect(model.schema).toBe(JsonSchemaVersion.DRAFT4);
    expect(model.title).toBe('CreateOrderRequest');
    expect(model.type).toBe('object');
    expect(model.additionalProperties).toBe(false);
    expect(model.required).toEqual(
      ['customerName', 'paymentMethod', 'shippingAddress', 'items'],
    );
    expect(model.properties.paymentMethod.enum).toEqual([...PAYMENT_METHODS]);
    expect(model.properties.items).toMatchObject({ type: 'array', minItems: 1, maxItems: ORDER_LIMITS.maxItems });
    expect(model.properties.items.items.properties.quantity).toEqual({
      type: 'integer',
      minimum: 1,
      maximum: ORDER_LIMITS.maxQuantityPerItem,
    });
    expect(model.properties.shippingAddress.additionalProperties).toBe(false);
    expect(model.properties.customerEmail.pattern).toEqual(expect.stringContaining('@'));
  });

  it('uses only keywords API Gateway (JSON Schema draft 4) supports', () => {
    for (const key of keywords(model)) expect(ALLOWED, key).toContain(key);
  });

  it('renames $schema/$ref and drops unknown keywords, recursively', () => {
    expect(
      toCdkJsonSchema({
        $schema: 'http://json-schema.org/draft-04/schema#',
        $ref: '#/definitions/x',
        $defs: { x: {} },
        const: 1,
        '~standard': {},
        type: 'object',
        properties: { a: { type: 'string', const: 'x', examples: ['x'] } },
        anyOf: [{ type: 'null', $comment: 'no' }],
        items: [{ type: 'number' }],
      }),
    ).toEqual({
      schema: JsonSchemaVersion.DRAFT4,
      ref: '#/definitions/x',
      type: 'object',
      properties: { a: { type: 'string' } },
      anyOf: [{ type: 'null' }],
      items: [{ type: 'number' }],
    });
  });

  it('a body the shared schema accepts passes the model’s rules that matter (shape, enum, bounds)', () => {
    const body = {
      customerId: 'c-1',
      customerName: 'Ana',
      customerEmail: 'ana@example.com',
      paymentMethod: 'paypal',
      shippingAddress: { street: 'Calle 1', city: 'Madrid', state: 'M', zipCode: '28001', country: 'ES' },
      items: [{ productId: 'p-1', quantity: 2 }],
    };
    expect(validate(createOrderRequestSchema, body).success).toBe(true);
    // A JSON Schema validator reading the model (its draft-4 keywords mean the same in Ajv's draft 7)
    // gives the same verdicts.
    const { schema: _draft, ...rules } = model;
    const check = new Ajv({ strict: true }).compile(rules);
    expect(check(body)).toBe(true);
    expect(check({ ...body, totalAmount: 1 })).toBe(false);
    expect(check({ ...body, paymentMethod: 'cash' })).toBe(false);
    expect(check({ ...body, customerEmail: 'ana@example' })).toBe(false);
    expect(check({ ...body, items: [{ productId: 'p-1', quantity: 1.5 }] })).toBe(false);
  });
});

describe('deployment settings', () => {
  const node = (context: Record<string, unknown>) => {
    const app = new App({ context: offlineSynthContext(context), outdir: mkdtempSync(join(tmpdir(), 'settings-')) });
    outdirs.push(app.outdir);
    return new Stack(app, 'S').node;
  };
  const withEnv = <T>(env: Record<string, string | undefined>, run: () => T): T => {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
    try {
      return run();
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  const noEnv = Object.fromEntries(Object.values(SETTINGS).map((s) => [s.env, undefined]));

  it('reads the notification e-mail from context or NOTIFICATION_EMAIL, and rejects a bad one', () => {
    withEnv(noEnv, () => {
      expect(readDeploySettings(node({}), '/nonexistent').notificationEmail).toBeUndefined();
      expect(readDeploySettings(node({ notificationEmail: 'ops@example.com' }), '/x').notificationEmail).toBe(
        'ops@example.com',
      );
    });
    withEnv({ ...noEnv, NOTIFICATION_EMAIL: ' me@example.com ' }, () => {
      expect(readDeploySettings(node({}), '/x').notificationEmail).toBe('me@example.com');
    });
    withEnv({ ...noEnv, NOTIFICATION_EMAIL: 'not-an-address' }, () => {
      expect(() => readDeploySettings(node({}), '/x')).toThrow(/NOTIFICATION_EMAIL/);
    });
  });

  it('reads the alarm e-mail (ALARM_EMAIL) apart from the notification e-mail', () => {
    withEnv({ ...noEnv, ALARM_EMAIL: 'oncall@example.com', NOTIFICATION_EMAIL: 'orders@example.com' }, () => {
      expect(readDeploySettings(node({}), '/x')).toMatchObject({ alarmEmail: 'oncall@example.com', notificationEmail: 'orders@example.com' });
    });
    withEnv({ ...noEnv, ALARM_EMAIL: 'nope' }, () => {
      expect(() => readDeploySettings(node({}), '/x')).toThrow(/ALARM_EMAIL/);
    });
  });

  it('the API throttle: a low default for sandboxes, the seed’s 10,000/5,000 for branches, or the settings', () => {
    withEnv(noEnv, () => {
      expect(readDeploySettings(node({}), '/x').apiThrottle).toEqual({ rateLimit: 50, burstLimit: 100 });
      expect(readDeploySettings(node({ 'amplify-backend-type': 'branch' }), '/x').apiThrottle).toEqual({ rateLimit: 10_000, burstLimit: 5_000 });
      expect(readDeploySettings(node({ apiThrottleRateLimit: 200 }), '/x').apiThrottle).toEqual({ rateLimit: 200, burstLimit: 100 });
    });
    withEnv({ ...noEnv, API_THROTTLE_RATE_LIMIT: '500', API_THROTTLE_BURST_LIMIT: '250' }, () => {
      expect(readDeploySettings(node({ 'amplify-backend-type': 'branch' }), '/x').apiThrottle).toEqual({ rateLimit: 500, burstLimit: 250 });
    });
    for (const bad of ['0', '-5', '1.5', 'lots']) {
      withEnv({ ...noEnv, API_THROTTLE_RATE_LIMIT: bad }, () => {
        expect(() => readDeploySettings(node({}), '/x')).toThrow(/API_THROTTLE_RATE_LIMIT/);
      });
    }
  });

  it('needs both custom-domain settings or neither; no dist/ means no storefront upload', () => {
    withEnv({ ...noEnv, STOREFRONT_DOMAIN_NAME: 'shop.example.com' }, () => {
      expect(() => readDeploySettings(node({}), '/x')).toThrow(/STOREFRONT_CERTIFICATE_ARN/);
    });
    withEnv(noEnv, () => {
      const settings = readDeploySettings(node({}), '/nonexistent');
      expect(settings).toEqual({
        deploymentType: 'sandbox',
        notificationEmail: undefined,
        notificationEvents: NOTIFICATION_EVENTS_DEFAULT,
        alarmEmail: undefined,
        apiThrottle: API_THROTTLE_DEFAULTS.sandbox,
        storefrontDomain: undefined,
        storefrontDir: undefined,
        orderRateLimit: 20,
        cancelWindowSeconds: CANCEL_WINDOW.cloudDefaultSeconds,
        shopTimeZone: 'UTC',
        waf: false,
      });
    });
  });

  it("the operator's order events: the default, all, a list; an unknown type names the setting", () => {
    withEnv(noEnv, () => {
      expect(readDeploySettings(node({}), '/x').notificationEvents).toEqual(['order-cancelled', 'order-refunded']);
      expect(readDeploySettings(node({ notificationEvents: 'all' }), '/x').notificationEvents).toBe('all');
      expect(readDeploySettings(node({ notificationEvents: 'order-shipped, payment-declined' }), '/x').notificationEvents).toEqual(['order-shipped', 'payment-declined']);
    });
    for (const bad of ['order-lost', ' , ', 'order-shipped,,order-refunded', 'ALL']) {
      withEnv({ ...noEnv, NOTIFICATION_EVENTS: bad }, () => expect(() => readDeploySettings(node({}), '/x')).toThrow(/NOTIFICATION_EVENTS/));
    }
  });

  it('the order limit (default 20, 0 off) and the WAF (on for branches, off for sandboxes, or the setting)', () => {
    withEnv(noEnv, () => {
      expect(readDeploySettings(node({ 'amplify-backend-type': 'branch' }), '/x')).toMatchObject({ orderRateLimit: 20, waf: true });
      expect(readDeploySettings(node({ orderRateLimit: '0', waf: 'on' }), '/x')).toMatchObject({ orderRateLimit: 0, waf: true });
    });
    withEnv({ ...noEnv, WAF: 'off', ORDER_RATE_LIMIT: '5' }, () => {
      expect(readDeploySettings(node({ 'amplify-backend-type': 'branch' }), '/x')).toMatchObject({ orderRateLimit: 5, waf: false });
    });
    withEnv({ ...noEnv, SHOP_TIME_ZONE: 'Europe/Madrid' }, () => expect(readDeploySettings(node({}), '/x').shopTimeZone).toBe('Europe/Madrid'));
    for (const [name, bad] of [['ORDER_RATE_LIMIT', '-1'], ['ORDER_RATE_LIMIT', 'many'], ['WAF', 'maybe'], ['SHOP_TIME_ZONE', 'Mars/Olympus']]) {
      withEnv({ ...noEnv, [name!]: bad! }, () => expect(() => readDeploySettings(node({}), '/x')).toThrow(new RegExp(name!)));
    }
  });
});

describe('OrdersCloud variants', () => {
  // One app, one synthesis for all variants (each variant is its own stack).
  const outdir = mkdtempSync(join(tmpdir(), 'orders-cloud-unit-'));
  outdirs.push(outdir);
  const app = new App({ outdir, context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
  const variant = (name: string, props: Partial<OrdersCloudProps>): Stack => {
    const stack = new Stack(app, name, { env: { account: '111111111111', region: 'eu-west-1' } });
    const fn = (id: string) =>
      new lambda.Function(stack, id, {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => {}'),
      });
    const userPool = new cognito.UserPool(stack, 'UserPool');
    new OrdersCloud(stack, 'OrdersCloud', {
      auth: { userPool, userPoolClient: userPool.addClient('Client') },
      appServer: fn('AppServer'),
      orderStarter: fn('OrderStarter'),
      processOrder: fn('ProcessOrder'),
      recoverOrders: fn('RecoverOrders'),
      deploymentName: `unit-${name}`,
      apiThrottle: API_THROTTLE_DEFAULTS.sandbox,
      orderRateLimit: 20,
      cancelWindowSeconds: 3600,
      shopTimeZone: 'UTC',
      waf: false,
      retainData: false,
      notificationEvents: NOTIFICATION_EVENTS_DEFAULT,
      ...props,
    });
    return stack;
  };
  const stacks = {
    email: variant('WithEmail', { notificationEmail: 'orders@example.com', notificationEvents: NOTIFICATION_EVENTS_DEFAULT, alarmEmail: 'oncall@example.com' }),
    allEvents: variant('WithEveryEvent', { notificationEmail: 'orders@example.com', notificationEvents: 'all' }),
    noEmail: variant('WithoutEmail', {}),
    domain: variant('WithDomain', {
      storefrontDomain: {
        domainName: 'shop.example.com',
        certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc',
      },
    }),
    branch: variant('Branch', { retainData: true }),
  };
  let templates: Record<keyof typeof stacks, Template>;
  beforeAll(() => {
    const assembly = app.synth();
    templates = Object.fromEntries(
      Object.entries(stacks).map(([key, stack]) => [
        key,
        Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template as Json),
      ]),
    ) as Record<keyof typeof stacks, Template>;
  });

  it('with e-mails: order notifications and alarms each reach their own address', () => {
    templates.email.resourceCountIs('AWS::SNS::Subscription', 2);
    const topicOf = (address: string) =>
      Object.values(templates.email.findResources('AWS::SNS::Subscription', { Properties: { Endpoint: address } })).map((r) => (r as Json).Properties.TopicArn.Ref);
    const [orders] = topicOf('orders@example.com');
    const [alarms] = topicOf('oncall@example.com');
    expect(orders).toMatch(/NotificationTopic/);
    expect(alarms).toMatch(/AlarmTopic/);
    // The operator's address gets the events of NOTIFICATION_EVENTS only; the alarms all.
    const subscription = (t: Template, address: string) => Object.values(t.findResources('AWS::SNS::Subscription', { Properties: { Endpoint: address } }))[0] as Json;
    expect(subscription(templates.email, 'orders@example.com').Properties.FilterPolicy).toEqual({ type: ['order-cancelled', 'order-refunded'] });
    expect(subscription(templates.email, 'oncall@example.com').Properties.FilterPolicy).toBeUndefined();
    expect(subscription(templates.allEvents, 'orders@example.com').Properties.FilterPolicy).toBeUndefined();
  });

  it('without an e-mail: no subscription', () => {
    templates.noEmail.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('with a custom domain: the alias, its certificate and TLS 1.2 (2021) minimum', () => {
    templates.domain.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['shop.example.com'],
        ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' }),
      }),
    });
    templates.noEmail.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ ViewerCertificate: Match.absent() }),
    });
  });

  it('sandbox data is destroyed with the stack; branch data is retained and protected', () => {
    templates.noEmail.allResources('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    templates.branch.allResources('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
    templates.branch.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
  });

  it('its temporary cloud assemblies are removed', () => {
    for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    expect(readdirSync(tmpdir()).filter((d) => d.startsWith('orders-cloud-unit-') || d.startsWith('settings-'))).toEqual(
      [],
    );
  });
});
