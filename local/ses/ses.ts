/**
 * A local Amazon SES (v2 API) on 127.0.0.1, for the unchanged handlers (`AWS_ENDPOINT_URL_SESV2`):
 * `SendEmail` with simple content (`POST /v2/email/outbound-emails`), answered as SES does
 * (`{ MessageId }`; errors with `x-amzn-ErrorType`) only once the message is in the outbox on disk.
 * Checked like SES: a SigV4 request for the `ses` service, a sender and at most 50 recipients,
 * every address one line without controls (so no header can be added through one), a subject and
 * a text or HTML part. Raw and template content are refused (nothing here sends them).
 * The npm package `aws-ses-v2-local` would also serve this API, but keeps mail in memory (lost at a
 * restart) and listens on every interface; the outbox already persists.
 */
import http from 'node:http';
import { BodyError, readBody, serveAwsEndpoint, type Log } from '../shared/http-guard.ts';
import type { MailMessage, Outbox } from './outbox.ts';

export const SEND_EMAIL_PATH = '/v2/email/outbound-emails';
const MAX_BODY_BYTES = 10 * 1024 * 1024; // SES's message size limit (40 MB for v2) is not worth emulating
const ADDRESS = /^[^\p{Cc}\u2028\u2029\u0085]{3,320}$/u;

class SesError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

interface SendEmailInput {
  FromEmailAddress?: unknown;
  Destination?: { ToAddresses?: unknown; CcAddresses?: unknown; BccAddresses?: unknown };
  Content?: { Simple?: { Subject?: { Data?: unknown }; Body?: { Text?: { Data?: unknown }; Html?: { Data?: unknown } } }; Raw?: unknown; Template?: unknown };
  EmailTags?: unknown;
}

function address(value: unknown, field: string): string {
  if (typeof value !== 'string' || !ADDRESS.test(value) || !value.includes('@')) throw new SesError(400, 'BadRequestException', `Invalid ${field}`);
  return value;
}

/** The message to record, or a `SesError` as SES would answer. */
export function parseSendEmail(input: SendEmailInput): { from: string; to: string; subject: string; text: string; html?: string; tags: Record<string, string> } {
  const from = address(input.FromEmailAddress, 'FromEmailAddress');
  const recipients = ['ToAddresses', 'CcAddresses', 'BccAddresses'].flatMap((key) => {
    const list = (input.Destination as Record<string, unknown> | undefined)?.[key] ?? [];
    if (!Array.isArray(list)) throw new SesError(400, 'BadRequestException', `Invalid ${key}`);
    return list.map((a) => address(a, key));
  });
  if (recipients.length === 0 || recipients.length > 50) throw new SesError(400, 'BadRequestException', 'Between 1 and 50 recipients');
  const simple = input.Content?.Simple;
  if (!simple) throw new SesError(400, 'BadRequestException', 'Only simple content is supported by the local SES');
  const subject = simple.Subject?.Data;
  const text = simple.Body?.Text?.Data;
  const html = simple.Body?.Html?.Data;
  if (typeof subject !== 'string' || (typeof text !== 'string' && typeof html !== 'string')) {
    throw new SesError(400, 'BadRequestException', 'A subject and a text or HTML body are required');
  }
  const tags = Object.fromEntries(
    (Array.isArray(input.EmailTags) ? input.EmailTags : [])
      .filter((t): t is { Name: string; Value: string } => typeof t?.Name === 'string' && typeof t?.Value === 'string')
      .map((t) => [t.Name, t.Value]),
  );
  return { from, to: recipients.join(', '), subject, text: typeof text === 'string' ? text : '', html: typeof html === 'string' ? html : undefined, tags };
}

function answer(res: http.ServerResponse, status: number, body: unknown, type?: string) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...(type ? { 'x-amzn-ErrorType': type } : {}) });
  res.end(JSON.stringify(body));
}

export async function startLocalSes(options: { outbox: Outbox; port?: number; log?: Log; onMail?: (mail: MailMessage) => void }) {
  const log = options.log ?? (() => undefined);
  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://local').pathname !== SEND_EMAIL_PATH) {
          throw new SesError(404, 'NotFoundException', `The local SES answers only POST ${SEND_EMAIL_PATH}`);
        }
        if (!/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[^/]+\/ses\/aws4_request/.test(req.headers.authorization ?? '')) {
          throw new SesError(403, 'UnrecognizedClientException', 'A SigV4-signed request for the ses service is required');
        }
        let input: SendEmailInput;
        try {
          input = JSON.parse((await readBody(req, MAX_BODY_BYTES, 10_000)).toString('utf8')) as SendEmailInput;
        } catch (error) {
          if (error instanceof BodyError) throw new SesError(error.status, 'BadRequestException', error.message);
          throw new SesError(400, 'BadRequestException', 'The body is not JSON');
        }
        const message = parseSendEmail(input ?? {});
        const written = options.outbox.write({ ...message, orderId: message.tags.orderId, kind: message.tags.kind });
        options.onMail?.(written);
        answer(res, 200, { MessageId: written.id });
      } catch (error) {
        if (!(error instanceof SesError)) {
          log(`SES: ${(error as Error).message}`);
          answer(res, 500, { message: 'Internal error' }, 'InternalFailure');
          return;
        }
        answer(res, error.status, { message: error.message }, error.type);
      }
    })();
  });
  return serveAwsEndpoint(server, 'SES', log, options.port ?? 0);
}
