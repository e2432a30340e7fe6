/**
 * API Gateway request models generated from the shared zod schemas, so a request body's rules are
 * written once (`amplify/domain/order.ts`) and enforced both by API Gateway and by the handler.
 *
 * API Gateway models are JSON Schema draft 4. zod 4 emits draft 4 with `target: 'draft-4'`; this
 * module maps its output onto aws-cdk-lib's `JsonSchema` shape (`$schema` -> `schema`, `$ref` ->
 * `ref`) and drops every keyword API Gateway / the CDK type does not know (zod's `~standard`
 * metadata, `$defs`, `const`, ...), recursively. Rules zod cannot express as JSON Schema (refinements
 * such as "each product at most once", `.trim()`) stay with the handler, which validates again.
 */
import { JsonSchemaVersion, type JsonSchema } from 'aws-cdk-lib/aws-apigateway';
import { z } from 'zod';

/** Keywords kept as they are (draft 4 validation keywords API Gateway and `JsonSchema` support). */
const SCALAR_KEYWORDS = [
  'type',
  'title',
  'description',
  'enum',
  'default',
  'format',
  'multipleOf',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxProperties',
  'minProperties',
  'required',
] as const;
/** Keywords whose value is one schema (or `true`/`false` where draft 4 allows it). */
const SCHEMA_KEYWORDS = ['additionalItems', 'additionalProperties', 'not'] as const;
/** Keywords whose value is a list of schemas. */
const SCHEMA_LIST_KEYWORDS = ['allOf', 'anyOf', 'oneOf'] as const;
/** Keywords whose value maps names to schemas. */
const SCHEMA_MAP_KEYWORDS = ['properties', 'patternProperties', 'definitions'] as const;

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Maps one JSON Schema (draft 4, as emitted by zod) onto the CDK `JsonSchema` type. */
export function toCdkJsonSchema(source: JsonObject): JsonSchema {
  const out: Record<string, unknown> = {};
  if (source.$schema === JsonSchemaVersion.DRAFT4) out.schema = JsonSchemaVersion.DRAFT4;
  if (typeof source.$ref === 'string') out.ref = source.$ref;
  if (typeof source.id === 'string') out.id = source.id;
  for (const key of SCALAR_KEYWORDS) if (key in source) out[key] = source[key];
  for (const key of SCHEMA_KEYWORDS) {
    const value = source[key];
    if (typeof value === 'boolean') out[key] = value;
    else if (isObject(value)) out[key] = toCdkJsonSchema(value);
  }
  for (const key of SCHEMA_LIST_KEYWORDS) {
    const value = source[key];
    if (Array.isArray(value)) out[key] = value.filter(isObject).map(toCdkJsonSchema);
  }
  for (const key of SCHEMA_MAP_KEYWORDS) {
    const value = source[key];
    if (isObject(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).filter(([, v]) => isObject(v)).map(([k, v]) => [k, toCdkJsonSchema(v as JsonObject)]),
      );
    }
  }
  const items = source.items;
  if (Array.isArray(items)) out.items = items.filter(isObject).map(toCdkJsonSchema);
  else if (isObject(items)) out.items = toCdkJsonSchema(items);
  return out as JsonSchema;
}

/** The API Gateway model schema for a zod schema describing a request body. */
export function requestModelSchema(schema: z.ZodType, title?: string): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-4', io: 'input', unrepresentable: 'throw' });
  const model = toCdkJsonSchema(json as JsonObject);
  return title ? { ...model, title } : model;
}
