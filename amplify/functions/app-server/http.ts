/** HTTP concerns of the API: JSON bodies, limits, query strings and the error shape. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { z } from 'zod';
import { API_LIMITS, ROUTE_METHODS, ROUTES } from '../../domain/api.ts';
import { ValidationError, type FieldIssue } from '../../domain/errors.ts';
import { ORDER_STATUSES, parseOrderNumber } from '../../domain/order-rules.ts';

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

export function errorBody(message: string, details: FieldIssue[] = []) {
  return { error: message, details };
}

/** zod issues as `{ path, message }`, one per offending field (unknown keys each named). */
export function toFieldIssues(error: z.ZodError, prefix: string[] = []): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    const base = [...prefix, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...base, key].join('.'), message: 'Unknown field' }));
    }
    return [{ path: base.join('.') || '(body)', message: issue.message }];
  });
}

export function parseWith<T extends z.ZodType>(schema: T, value: unknown, what: string, prefix: string[] = []): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(`Invalid ${what}`, toFieldIssues(result.error, prefix));
  return result.data;
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
function header(event: APIGatewayProxyEvent, name: string): string | undefined {
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

/** A day (`2026-11-29`, UTC) or an instant (ISO-8601): a day bound covers the whole day. */
const dateBound = (endOfDay: boolean) =>
  z.union([z.iso.date(), z.iso.datetime({ offset: true })], 'A date (YYYY-MM-DD) or an ISO-8601 date-time').transform((value) =>
    value.length === 10 ? `${value}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}Z` : new Date(value).toISOString(),
  );

/** Query string of `GET /orders`. Unknown parameters are rejected like unknown body fields. */
export const listOrdersQuerySchema = z
  .strictObject({
  customerId: z.string().optional(),
  status: z.enum(ORDER_STATUSES, `One of: ${ORDER_STATUSES.join(', ')}`).optional(),
  from: dateBound(false).optional(),
  to: dateBound(true).optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, `A whole number from 1 to ${API_LIMITS.maxPageSize}`)
    .transform(Number)
    .pipe(z.number().min(1, 'At least 1').max(API_LIMITS.maxPageSize, `At most ${API_LIMITS.maxPageSize}`))
    .optional(),
  nextToken: z.string().min(1).max(API_LIMITS.maxPageTokenLength, `At most ${API_LIMITS.maxPageTokenLength} characters`).optional(),
  orderNumber: z
    .string()
    .max(40, 'At most 40 characters')
    .transform((value, ctx) => parseOrderNumber(value) ?? (ctx.addIssue({ code: 'custom', message: 'An order number looks like K7QM-2X9D-PB4H' }), z.NEVER))
    .optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'Must not be before from' })
  .refine((q) => q.orderNumber === undefined || (q.status === undefined && q.from === undefined && q.to === undefined && q.nextToken === undefined), {
    path: ['orderNumber'],
    message: 'An order number is searched on its own (no status, dates or nextToken)',
  });

/** The route templates as regular expressions, to tell a wrong method (405) from a wrong path (404). */
const routePatterns = Object.entries(ROUTES).map(([key, template]) => ({
  methods: ROUTE_METHODS[key as keyof typeof ROUTES],
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
}));

export function allowedMethods(path: string): readonly string[] | undefined {
  return routePatterns.find((route) => route.pattern.test(path))?.methods;
}
