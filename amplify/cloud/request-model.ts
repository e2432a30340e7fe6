/**
 * API Gateway request models generated from the shared valibot schemas, so a request body's rules
 * are written once (`amplify/domain/order.ts`) and enforced both by API Gateway and by the handler.
 *
 * API Gateway models are JSON Schema draft 4. `@valibot/to-json-schema` emits draft 7; the keywords
 * the shared schemas use (type, properties, required, additionalProperties, enum, length and value
 * bounds, pattern, items) mean the same in draft 4, and `exclusiveMinimum`/`exclusiveMaximum` (whose
 * meaning differs) are not used. This module maps the output onto aws-cdk-lib's `JsonSchema` shape
 * (`$ref` -> `ref`, the draft-4 `schema`) and drops every keyword API Gateway / the CDK type does
 * not know (`$defs`, `const`, ...), recursively. Rules JSON Schema cannot express (the
 * clean-text checks, "each product at most once", trimming) stay with the handler, which validates again.
 */
import { JsonSchemaVersion, type JsonSchema } from 'aws-cdk-lib/aws-apigateway';
import { toJsonSchema } from '@valibot/to-json-schema';
import type { GenericSchema } from 'valibot';

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

/** Maps one JSON Schema onto the CDK `JsonSchema` type (draft 4 keywords only). */
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

/** Actions of the shared schemas that JSON Schema cannot say; anything else unconvertible throws. */
const HANDLER_ONLY_ACTIONS = ['normalize', 'trim', 'to_lower_case', 'check'];

/** The API Gateway model schema (draft 4) for a valibot schema describing a request body. */
export function requestModelSchema(schema: GenericSchema, title?: string): JsonSchema {
  const json = toJsonSchema(schema, { typeMode: 'input', ignoreActions: HANDLER_ONLY_ACTIONS, errorMode: 'throw' });
  const model = toCdkJsonSchema({ ...(json as JsonObject), $schema: JsonSchemaVersion.DRAFT4 });
  return title ? { ...model, title } : model;
}
