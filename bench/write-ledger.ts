/**
 * DynamoDB write request units of a table and each of its global secondary indexes, from the write
 * calls the handlers actually made (seen by the local stack's counting proxy), applied in order to
 * a shadow copy of every item so each write's before and after image is known.
 *
 * Billing rules (DynamoDB developer guide, "Read/write capacity mode" and "Provisioned throughput
 * considerations for GSIs"):
 *   - a table write costs 1 WRU per KB (rounded up) of the larger of the item before and after;
 *     a failed conditional write still costs the item's size;
 *   - an index write costs 1 WRU per KB of the projected item; an index entry that appears or
 *     disappears is one write, an entry whose index key changes is two (delete + put: the
 *     OpenOrdersDueIndex's sort key moves on every status update), an entry whose projected
 *     attributes change is one, and an entry whose projection did not change costs nothing.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { itemSize } from './item-size.ts';

export type Item = Record<string, AttributeValue>;

export interface IndexSpec {
  name: string;
  partitionKey: string;
  sortKey?: string;
  projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  nonKeyAttributes?: string[];
}

export interface TableSpec {
  name: string;
  keys: string[];
  indexes: IndexSpec[];
}

export interface IndexUnits {
  units: number;
  /** Entries written for the first time, removed, moved to a new key, or rewritten in place. */
  puts: number;
  deletes: number;
  moves: number;
  rewrites: number;
}

export interface LedgerTotals {
  writes: number;
  failedConditionalWrites: number;
  tableUnits: number;
  indexes: Record<string, IndexUnits>;
}

export const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
export const strongReadUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 4096));

interface UpdateRequest {
  Key: Item;
  UpdateExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Item;
}

/** Splits on `separator` outside parentheses. */
function splitTop(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && c === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

const numberOf = (v: AttributeValue | undefined) => Number(v?.N ?? 0);

/** Applies an UpdateExpression (SET, REMOVE, ADD, DELETE on top-level attributes; SET and REMOVE one level into a map) to a copy of `item`. */
export function applyUpdate(item: Item, request: UpdateRequest): Item {
  const out: Item = { ...item, ...request.Key };
  const names = request.ExpressionAttributeNames ?? {};
  const values = request.ExpressionAttributeValues ?? {};
  // The top-level attribute a path names (nested paths change their top-level attribute).
  const attr = (path: string) => {
    const first = path.trim().split(/[.[]/)[0]!;
    return names[first] ?? first;
  };
  /** `map.key` (names resolved): the map attribute and the entry a one-level path names. */
  const mapEntry = (path: string) => {
    const match = /^([#\w]+)\.([#\w]+)$/.exec(path.trim());
    return match ? { map: names[match[1]!] ?? match[1]!, key: names[match[2]!] ?? match[2]! } : undefined;
  };
  const operand = (text: string): AttributeValue | undefined => {
    const t = text.trim();
    if (t.startsWith(':')) return values[t];
    const fn = /^(\w+)\s*\((.*)\)$/s.exec(t);
    if (fn) {
      const args = splitTop(fn[2]!, ',');
      if (fn[1] === 'if_not_exists') return out[attr(args[0]!)] ?? operand(args[1]!);
      if (fn[1] === 'list_append') return { L: [...(operand(args[0]!)?.L ?? []), ...(operand(args[1]!)?.L ?? [])] };
    }
    const arithmetic = splitTop(t.replace(/\s([+-])\s/g, '\u0000$1\u0000'), '\u0000');
    if (arithmetic.length === 3) {
      const sign = arithmetic[1] === '-' ? -1 : 1;
      return { N: String(numberOf(operand(arithmetic[0]!)) + sign * numberOf(operand(arithmetic[2]!))) };
    }
    return out[attr(t)];
  };
  const expression = request.UpdateExpression ?? '';
  const clauses = expression.split(/\b(SET|REMOVE|ADD|DELETE)\b/i).map((s) => s.trim());
  for (let i = 1; i < clauses.length; i += 2) {
    const action = clauses[i]!.toUpperCase();
    for (const part of splitTop(clauses[i + 1] ?? '', ',')) {
      if (action === 'SET') {
        const eq = part.indexOf('=');
        const path = part.slice(0, eq).trim();
        const value = operand(part.slice(eq + 1));
        // One level into a map (`reservations.#key`, the stock item's reservations) is applied;
        // deeper or list paths keep the attribute's size approximately: the shadow keeps the old value.
        const entry = mapEntry(path);
        if (entry && value !== undefined) out[entry.map] = { M: { ...(out[entry.map]?.M ?? {}), [entry.key]: value } };
        if (/[.[]/.test(path)) continue;
        if (value !== undefined) out[attr(path)] = value;
      } else if (action === 'REMOVE') {
        const entry = mapEntry(part);
        if (entry && out[entry.map]?.M) {
          const { [entry.key]: _removed, ...rest } = out[entry.map]!.M!;
          out[entry.map] = { M: rest };
        }
        if (!/[.[]/.test(part)) delete out[attr(part)];
      } else if (action === 'ADD') {
        const [path, value] = part.split(/\s+/, 2) as [string, string];
        const v = values[value.trim()];
        const name = attr(path);
        if (v?.N !== undefined) out[name] = { N: String(numberOf(out[name]) + Number(v.N)) };
        else if (v?.SS) out[name] = { SS: [...new Set([...(out[name]?.SS ?? []), ...v.SS])] };
      } else if (action === 'DELETE') {
        const [path, value] = part.split(/\s+/, 2) as [string, string];
        const v = values[value.trim()];
        const name = attr(path);
        if (v?.SS && out[name]?.SS) out[name] = { SS: out[name].SS!.filter((s) => !v.SS!.includes(s)) };
      }
    }
  }
  return out;
}

export class WriteLedger {
  private readonly items = new Map<string, Item>();
  readonly totals: LedgerTotals;

  constructor(readonly spec: TableSpec) {
    this.totals = {
      writes: 0,
      failedConditionalWrites: 0,
      tableUnits: 0,
      indexes: Object.fromEntries(spec.indexes.map((i) => [i.name, { units: 0, puts: 0, deletes: 0, moves: 0, rewrites: 0 }])),
    };
  }

  private keyOf(item: Item): string {
    return JSON.stringify(this.spec.keys.map((k) => item[k]));
  }

  /** The shadow copy of an item, as the writes seen so far left it. */
  get(key: Item): Item | undefined {
    return this.items.get(this.keyOf(key));
  }

  /**
   * One call the service answered. `ok`: it succeeded (else a refused conditional write, which
   * costs the item's size on the table and nothing on the indexes).
   */
  record(operation: string, request: Record<string, unknown>, ok: boolean): void {
    if (operation === 'BatchWriteItem') {
      const requests = (request.RequestItems as Record<string, { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[]>)[this.spec.name] ?? [];
      for (const r of requests) {
        if (r.PutRequest) this.record('PutItem', { Item: r.PutRequest.Item }, ok);
        if (r.DeleteRequest) this.record('DeleteItem', { Key: r.DeleteRequest.Key }, ok);
      }
      return;
    }
    const key = (request.Item ?? request.Key) as Item | undefined;
    if (!key || !['PutItem', 'UpdateItem', 'DeleteItem'].includes(operation)) return;
    const before = this.get(key);
    let after: Item | undefined;
    if (operation === 'PutItem') after = request.Item as Item;
    else if (operation === 'UpdateItem') after = applyUpdate(before ?? {}, request as unknown as UpdateRequest);
    this.totals.writes += 1;
    const size = Math.max(before ? itemSize(before) : 0, after ? itemSize(after) : 0);
    this.totals.tableUnits += writeUnits(size);
    if (!ok) {
      this.totals.failedConditionalWrites += 1;
      return;
    }
    if (after) this.items.set(this.keyOf(key), after);
    else this.items.delete(this.keyOf(key));
    for (const index of this.spec.indexes) this.indexWrite(index, before, after);
  }

  private indexWrite(index: IndexSpec, before: Item | undefined, after: Item | undefined): void {
    const t = this.totals.indexes[index.name]!;
    const keyAttrs = [index.partitionKey, ...(index.sortKey ? [index.sortKey] : [])];
    const inIndex = (item: Item | undefined): item is Item => !!item && keyAttrs.every((k) => item[k] !== undefined);
    const projected = (item: Item): Item => {
      if (index.projection === 'ALL') return item;
      const names = new Set([...this.spec.keys, ...keyAttrs, ...(index.projection === 'INCLUDE' ? (index.nonKeyAttributes ?? []) : [])]);
      return Object.fromEntries(Object.entries(item).filter(([k]) => names.has(k)));
    };
    const units = (item: Item) => writeUnits(itemSize(projected(item)));
    const was = inIndex(before);
    const is = inIndex(after);
    if (!was && is) {
      t.puts += 1;
      t.units += units(after);
    } else if (was && !is) {
      t.deletes += 1;
      t.units += units(before);
    } else if (was && is) {
      const keyMoved = keyAttrs.some((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
      if (keyMoved) {
        t.moves += 1;
        t.units += units(before) + units(after);
      } else if (JSON.stringify(projected(before)) !== JSON.stringify(projected(after))) {
        t.rewrites += 1;
        t.units += Math.max(units(before), units(after));
      }
    }
  }

  /** Items whose shadow differs in size from `actual` (a self-check of the ledger against a final scan). */
  mismatches(actual: Item[]): number {
    return actual.filter((item) => {
      const shadow = this.get(item);
      return !shadow || itemSize(shadow) !== itemSize(item);
    }).length;
  }
}
