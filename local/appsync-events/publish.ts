/**
 * The local AppSync Events' HTTP side: `POST /event`, where the functions publish (SigV4-signed,
 * from the local stack only).
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import * as v from 'valibot';
import { EVENTS_PROTOCOL, LIVE_NAMESPACE } from '../../amplify/domain/live-updates.ts';
import { BodyError, isLoopbackHost, readBody, type Log } from '../shared/http-guard.ts';
import { verifySigV4 } from '../shared/sigv4.ts';
import { channelSegments, protocolError as error } from './channels.ts';

/** Largest publish body taken (AppSync: 240 KB per event, 5 events). */
const MAX_BODY_BYTES = 1_300_000;

const publishSchema = v.object({
  channel: v.string(),
  events: v.pipe(v.array(v.string()), v.minLength(1), v.maxLength(EVENTS_PROTOCOL.maxEventsPerPublish)),
});

/**
 * A publish a browser sent: one with `Origin` or `Sec-Fetch-Site`, which every browser sends on a
 * page's cross-origin POST. Not `fromBrowser` (local/shared/http-guard.ts): Node's fetch, which the functions
 * publish with, sends `Sec-Fetch-Mode` itself.
 */
const browserPublish = (req: http.IncomingMessage) => req.headers.origin !== undefined || req.headers['sec-fetch-site'] !== undefined;

export /**
 * `POST /event`, as the functions publish: from the local stack only (no browser, a loopback Host),
 * signed with SigV4 for `appsync`, `{channel, events}` with 1 to 5 JSON strings; what is taken goes
 * to `take` (counted and delivered), each event answered as AppSync does (`successful`, `failed`).
 */
async function servePublish(req: http.IncomingMessage, res: http.ServerResponse, ctx: { port: number; log: Log; take: (channel: string, events: string[]) => void }): Promise<void> {
  if (browserPublish(req) || !isLoopbackHost(req.headers.host, ctx.port)) {
    ctx.log(`AppSync Events: refused a ${browserPublish(req) ? 'browser request' : 'foreign Host header'} (${req.method} ${req.url})`);
    req.resume();
    return answerJson(res, 403, { errors: error('UnauthorizedException', 'The local AppSync Events answers only the local stack') });
  }
  if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://local').pathname !== EVENTS_PROTOCOL.httpPath) {
    req.resume();
    return answerJson(res, 404, { errors: error('NotFoundException', 'Not found') });
  }
  let body: Buffer;
  try {
    body = await readBody(req, MAX_BODY_BYTES, 10_000);
  } catch (e) {
    return answerJson(res, e instanceof BodyError ? e.status : 400, { errors: error('BadRequestException', (e as Error).message) });
  }
  const refusal = await verifySigV4({ method: req.method, url: req.url ?? '/', headers: req.headers }, body, Date.now(), EVENTS_PROTOCOL.signingService);
  if (refusal) return answerJson(res, 401, { errors: error('UnauthorizedException', refusal.message) });
  let request: v.InferOutput<typeof publishSchema>;
  try {
    request = v.parse(publishSchema, JSON.parse(body.toString('utf8')));
  } catch {
    return answerJson(res, 400, { errors: error('BadRequestException', `A publish is {channel, events}: 1 to ${EVENTS_PROTOCOL.maxEventsPerPublish} events, each a JSON string`) });
  }
  const segments = channelSegments(request.channel, false);
  if (!segments || segments[0] !== LIVE_NAMESPACE) return answerJson(res, 400, { errors: error('BadRequestException', 'Invalid channel') });
  const successful: { identifier: string; index: number }[] = [];
  const failed: { identifier: string; index: number; code: number; message: string }[] = [];
  const good: string[] = [];
  request.events.forEach((event, index) => {
    try {
      JSON.parse(event);
      successful.push({ identifier: randomUUID(), index });
      good.push(event);
    } catch {
      failed.push({ identifier: randomUUID(), index, code: 400, message: 'The event is not JSON' });
    }
  });
  ctx.take(request.channel, good);
  answerJson(res, 200, { successful, failed });
}

export function answerJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}
