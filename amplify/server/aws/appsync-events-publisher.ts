/**
 * Publishes an order's status event to AWS AppSync Events (issue 26): `POST <api>/event
 * {channel, events}` signed with SigV4 (service `appsync`) with the function's own credentials;
 * no AWS SDK client exists for it. One request on the order's customer's channel (staff subscribe
 * to `/orders/*`, which takes it too), bounded in time.
 * Locally the same request goes to the stand-in (local/appsync-events/appsync-events.ts), which checks the signature.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { customerChannel, EVENTS_PROTOCOL, statusEventOf } from '../../domain/live-updates.ts';
import type { Order } from '../../domain/order.ts';
import type { OrderStatusPublisher } from '../ports.ts';
import { ENV } from '../environment.ts';

/** How long one publish may take: a status change waits for it (and goes on when it fails). */
export const PUBLISH_TIMEOUT_MS = 2_000;

/** AppSync Events did not take an event (the status, or the events it reported `failed`). */
export class EventsPublishError extends Error {
  override readonly name = 'EventsPublishError';
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The function's credentials, as Lambda (and the local stack) put them in its environment. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): Credentials {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  if (!accessKeyId || !secretAccessKey) throw new EventsPublishError('No AWS credentials in the environment');
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

/**
 * The channels an order's change goes to: its customer's, one publish (staff's wildcard
 * subscription takes it too; a guest's channel has no other subscriber: guests poll).
 */
export const channelsOf = (order: Pick<Order, 'customerId'>): string[] => [customerChannel(order.customerId)];

export class AppSyncEventsPublisher implements OrderStatusPublisher {
  private readonly url: URL;

  constructor(
    endpoint: string,
    private readonly region: string,
    private readonly credentials: () => Credentials = credentialsFromEnv,
    private readonly timeoutMs = PUBLISH_TIMEOUT_MS,
  ) {
    this.url = new URL(endpoint);
  }

  async publish(order: Order): Promise<void> {
    const event = JSON.stringify(statusEventOf(order));
    await Promise.all(channelsOf(order).map((channel) => this.post(channel, [event])));
  }

  /** One `POST /event`: at most `EVENTS_PROTOCOL.maxEventsPerPublish` events (JSON strings) on one channel. */
  async post(channel: string, events: string[]): Promise<void> {
    if (events.length === 0 || events.length > EVENTS_PROTOCOL.maxEventsPerPublish) throw new EventsPublishError(`1 to ${EVENTS_PROTOCOL.maxEventsPerPublish} events per publish, not ${events.length}`);
    const body = JSON.stringify({ channel, events });
    const signer = new SignatureV4({ credentials: this.credentials(), region: this.region, service: EVENTS_PROTOCOL.signingService, sha256: Sha256 });
    const signed = await signer.sign({
      method: 'POST',
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      ...(this.url.port ? { port: Number(this.url.port) } : {}),
      path: this.url.pathname,
      headers: { host: this.url.host, 'content-type': 'application/json' },
      body,
    });
    let response: Response;
    try {
      response = await fetch(this.url, { method: 'POST', headers: signed.headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw new EventsPublishError(`Publishing to ${channel} failed: ${(error as Error).message}`, { cause: error });
    }
    const text = await response.text();
    if (!response.ok) throw new EventsPublishError(`Publishing to ${channel} answered ${response.status}: ${text.slice(0, 300)}`);
    const failed = (JSON.parse(text || '{}') as { failed?: unknown[] }).failed ?? [];
    if (failed.length > 0) throw new EventsPublishError(`Publishing to ${channel}: ${failed.length} event(s) failed: ${JSON.stringify(failed).slice(0, 300)}`);
  }
}

/** The publisher of a function whose `LIVE_EVENTS_URL` is set, else none (no live updates). */
export function eventsPublisherFromEnv(env: NodeJS.ProcessEnv = process.env): AppSyncEventsPublisher | undefined {
  const url = env[ENV.liveEventsUrl];
  return url ? new AppSyncEventsPublisher(url, env.AWS_REGION ?? 'us-east-1') : undefined;
}
