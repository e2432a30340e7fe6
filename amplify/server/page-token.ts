/**
 * Pagination tokens of `GET /orders`: the repository's position (opaque to clients) plus a binding to
 * the caller and the query that produced it. A token replayed by another caller, or for another
 * query (other customer, status or dates), is refused with a 400 rather than continuing a list
 * the caller did not ask for. The position itself is checked by the repository's lists (`aws/dynamodb-order-lists.ts`), so a
 * hand-made token is a 400 too, never a DynamoDB error.
 */
import { createHash } from 'node:crypto';
import { ValidationError } from '../domain/errors.ts';

const invalid = () => new ValidationError('Invalid pagination token', [{ path: 'nextToken', message: 'Not a token this API issued for this list' }]);

/** A short digest of who asks and what: the token is only valid for the same again. */
export function pageBinding(callerSub: string, query: Record<string, string | undefined>): string {
  const canonical = JSON.stringify([callerSub, Object.keys(query).sort().map((k) => [k, query[k] ?? null])]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

export function encodePageToken(position: unknown, binding: string): string {
  return Buffer.from(JSON.stringify({ b: binding, p: position })).toString('base64url');
}

export function decodePageToken(token: string, binding: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  // Stryker disable next-line ConditionalExpression: equivalent for the typeof test: a primitive has no `b`, so it is refused below
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid();
  const { b, p } = parsed as { b?: unknown; p?: unknown };
  if (b !== binding || p === undefined) throw invalid();
  return p;
}

export { invalid as invalidPageToken };
