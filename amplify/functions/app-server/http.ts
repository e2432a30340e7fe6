/** HTTP concerns of the API: JSON bodies, limits, query strings and the error shape. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as v from 'valibot';
import { API_LIMITS, ROUTE_METHODS, ROUTES } from '../../domain/api.ts';
import { ValidationError, type FieldIssue, type InvalidTransitionError } from '../../domain/errors.ts';
import { STATUS_LABELS } from '../../domain/labels.ts';
import { emailSchema } from '../../domain/order.ts';
import { ORDER_STATUSES, parseOrderNumber, type OrderStatus } from '../../domain/order-rules.ts';
import { closedObject, validate } from '../../domain/validation.ts';

/** An error answered with its status and the JSON body `{ error, details }`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details: FieldIssue[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}) {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * The 409 of a status change the order's status refuses: `title`, and a `status` detail naming
 * the status it is in (as the customer reads it) followed by `rule`.
 */
export function statusConflict(error: InvalidTransitionError, title: string, rule: string): ApiError {
  const label = STATUS_LABELS[error.from as OrderStatus] ?? error.from;
  return new ApiError(409, title, [{ path: 'status', message: `The order is ${label}; ${rule}` }]);
}

export function errorBody(message: string, details: FieldIssue[] = []) {
  return { error: message, details };
}

/** The value `schema` returns for `value`, or a ValidationError (400) naming each offending field. */
export function parseWith<T extends v.GenericSchema>(schema: T, value: unknown, what: string, prefix: string[] = []): v.InferOutput<T> {
  const result = validate(schema, value, prefix);
  if (!result.success) throw new ValidationError(`Invalid ${what}`, result.issues);
  return result.output;
}

/** Every value of a header, whatever the case of its name (API Gateway keeps the client's case). */
function headerValues(event: APIGatewayProxyEvent, name: string): string[] {
  const wanted = name.toLowerCase();
  const matching = <T>(map: Record<string, T> | null | undefined) =>
    Object.entries(map ?? {}).filter(([key, value]) => key.toLowerCase() === wanted && value !== undefined).map(([, value]) => value);
  const multi = matching(event.multiValueHeaders).flat() as string[];
  return multi.length > 0 ? multi : (matching(event.headers) as string[]);
}

/** A header's value (the last one, as in API Gateway's `headers`). */
export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  return headerValues(event, name).at(-1);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The JSON body of a request, after checking its media type, size and encoding. */
export function readJsonBody(event: APIGatewayProxyEvent): unknown {
  const contentTypes = headerValues(event, 'content-type');
  // Two Content-Type headers that disagree: which one a proxy or a framework honours varies, so
  // the request is refused rather than read as one of them.
  if (new Set(contentTypes.map((type) => type.trim().toLowerCase())).size > 1) {
    throw new ApiError(415, 'Conflicting media types', [{ path: 'Content-Type', message: 'Send exactly one Content-Type: application/json' }]);
  }
  const contentType = contentTypes[0];
  if (!contentType || !/^application\/json\s*(;.*)?$/i.test(contentType.trim())) {
    throw new ApiError(415, 'Unsupported media type', [{ path: 'Content-Type', message: 'Must be application/json' }]);
  }
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > API_LIMITS.maxBodyBytes) {
    throw new ApiError(413, 'Request body too large', [{ path: '(body)', message: `At most ${API_LIMITS.maxBodyBytes} bytes` }]);
  }
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw new ApiError(400, 'Body is not valid UTF-8', [{ path: '(body)', message: 'Must be UTF-8 encoded JSON' }]);
  }
  if (text.trim() === '') throw new ApiError(400, 'Missing request body', [{ path: '(body)', message: 'Required' }]);
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'Malformed JSON', [{ path: '(body)', message: 'Not valid JSON' }]);
  }
}

/** The JSON body of a request whose body is optional: undefined when it has none, else as `readJsonBody` reads it. */
export function readOptionalJsonBody(event: APIGatewayProxyEvent): unknown {
  const empty = (event.body ?? '') === '' && headerValues(event, 'content-type').length === 0;
  return empty ? undefined : readJsonBody(event);
}

export function readIdempotencyKey(event: APIGatewayProxyEvent, headerName: string): string | undefined {
  const key = header(event, headerName);
  if (key === undefined) return undefined;
  const ok = key.length >= 1 && key.length <= API_LIMITS.maxIdempotencyKeyLength && /^[\x21-\x7e]+$/.test(key);
  if (!ok) {
    throw new ApiError(400, 'Invalid Idempotency-Key', [
      { path: headerName, message: `1 to ${API_LIMITS.maxIdempotencyKeyLength} visible ASCII characters` },
    ]);
  }
  return key;
}

/** A calendar day `YYYY-MM-DD` that exists (29 February in leap years only). */
const ISO_DAY = String.raw`(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))`;
/** A day, or a day and time with seconds and a `Z` or `±hh:mm` offset (RFC 3339). */
const DAY_OR_INSTANT = new RegExp(
  String.raw`^${ISO_DAY}(?:T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d))?$`,
);
const DATE_MESSAGE = 'A date (YYYY-MM-DD) or an ISO-8601 date-time';

/** A day (`2026-11-29`, UTC) or an instant (ISO-8601): a day bound covers the whole day. */
const dateBound = (endOfDay: boolean) =>
  v.pipe(
    v.string(DATE_MESSAGE),
    v.regex(DAY_OR_INSTANT, DATE_MESSAGE),
    v.transform((value) => (value.length === 10 ? `${value}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}Z` : new Date(value).toISOString())),
  );

/** Query string of `GET /orders`. Unknown parameters are rejected like unknown body fields. */
export const listOrdersQuerySchema = v.pipe(
  closedObject({
    customerId: v.optional(v.string()),
    /** Staff: a customer's orders by the e-mail on them (surrounding spaces ignored). */
    customerEmail: v.optional(v.pipe(v.string(), v.trim(), emailSchema, v.toLowerCase())),
    status: v.optional(v.picklist(ORDER_STATUSES, `One of: ${ORDER_STATUSES.join(', ')}`)),
    from: v.optional(dateBound(false)),
    to: v.optional(dateBound(true)),
    limit: v.optional(
      v.pipe(
        v.string(),
        v.regex(/^\d{1,3}$/, `A whole number from 1 to ${API_LIMITS.maxPageSize}`),
        v.transform(Number),
        v.minValue(1, 'At least 1'),
        v.maxValue(API_LIMITS.maxPageSize, `At most ${API_LIMITS.maxPageSize}`),
      ),
    ),
    nextToken: v.optional(
      v.pipe(
        v.string(),
        v.minLength(1, 'Required'),
        v.maxLength(API_LIMITS.maxPageTokenLength, `At most ${API_LIMITS.maxPageTokenLength} characters`),
      ),
    ),
    orderNumber: v.optional(
      v.pipe(
        v.string(),
        v.maxLength(40, 'At most 40 characters'),
        v.check((typed) => parseOrderNumber(typed) !== undefined, 'An order number looks like K7QM-2X9D-PB4H'),
        v.transform((typed) => parseOrderNumber(typed)!),
      ),
    ),
  }),
  v.forward(
    v.check((q) => !q.from || !q.to || q.from <= q.to, 'Must not be before from'),
    ['to'],
  ),
  v.forward(
    v.check((q) => q.customerEmail === undefined || q.customerId === undefined, 'Search by customerEmail or by customerId, not both'),
    ['customerEmail'],
  ),
  v.forward(
    v.check(
      (q) =>
        q.orderNumber === undefined ||
        (q.status === undefined && q.from === undefined && q.to === undefined && q.nextToken === undefined && q.customerEmail === undefined),
      'An order number is searched on its own (no status, dates, customerEmail or nextToken)',
    ),
    ['orderNumber'],
  ),
);

/** Body of `POST /orders/{orderId}/note`: the whole note (empty clears it). */
export const staffNoteSchema = closedObject({
  note: v.pipe(
    v.string('Must be text'),
    v.trim(),
    v.maxLength(API_LIMITS.maxStaffNoteLength, `At most ${API_LIMITS.maxStaffNoteLength} characters`),
  ),
});

/** The route templates as regular expressions, to tell a wrong method (405) from a wrong path (404). */
const routePatterns = Object.entries(ROUTES).map(([key, template]) => ({
  methods: ROUTE_METHODS[key as keyof typeof ROUTES],
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
}));

export function allowedMethods(path: string): readonly string[] | undefined {
  return routePatterns.find((route) => route.pattern.test(path))?.methods;
}
