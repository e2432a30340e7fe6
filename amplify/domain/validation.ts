/**
 * How the shared valibot schemas are applied: one result shape and one mapping of issues to
 * `{ path, message }` for the API handler and the checkout form alike. Browser-safe.
 *
 * valibot rather than zod: each schema pulls in only the checks it uses (~10 KB for every schema
 * the API has, against zod 4's ~445 KB, which kept the app-server bundle far above its SDK-only
 * floor); `@valibot/to-json-schema` turns the same schemas into the API Gateway request model.
 */
import * as v from 'valibot';
import type { FieldIssue } from './errors.ts';

export const FIELD_MESSAGES = {
  required: 'Required',
  unknown: 'Unknown field',
  object: 'Must be an object',
} as const;

/** Missing field, or a value that is not an object at all. */
const objectMessage = (issue: v.BaseIssue<unknown>): string => (issue.path?.length ? FIELD_MESSAGES.required : FIELD_MESSAGES.object);

/**
 * An object with only the given fields: each other key, `__proto__` and `constructor` included, is
 * an issue of its own ("Unknown field"), and an array is not an object. valibot's `strictObject`
 * names the first unknown key only and takes an array for an object, so this runs its plain
 * `object` (the known fields, checked and copied) and adds those issues. It keeps the
 * `strictObject` definition for everything else, so the JSON Schema says `additionalProperties: false`.
 */
export function closedObject<const TEntries extends v.ObjectEntries>(entries: TEntries) {
  const strict = v.strictObject(entries, objectMessage);
  const known = v.object(entries, objectMessage);
  const run: typeof strict['~run'] = function (this: typeof strict, dataset, config) {
    const input = dataset.value;
    if (Array.isArray(input)) {
      // Stryker disable next-line StringLiteral: the label only words valibot's default message, and this schema has its own
      v._addIssue(this, 'type', dataset, config);
      return dataset as unknown as ReturnType<typeof strict['~run']>;
    }
    const result = known['~run'](dataset, config) as ReturnType<typeof strict['~run']>;
    if (input && typeof input === 'object') {
      for (const key of Object.keys(input)) {
        if (Object.hasOwn(entries, key)) continue;
        const value: unknown = (input as Record<string, unknown>)[key];
        // Stryker disable next-line StringLiteral: the label only words valibot's default message, and this issue has its own
        v._addIssue(this, 'key', result, config, {
          input: key,
          expected: 'never',
          message: FIELD_MESSAGES.unknown,
          path: [{ type: 'object', origin: 'key', input: input as Record<string, unknown>, key, value }],
        });
      }
    }
    return result;
  };
  const closed: typeof strict = {
    ...strict,
    '~run': run,
    // Standard Schema users (e.g. a router's validation) run the same checks.
    '~standard': { ...strict['~standard'], validate: (value) => closed['~run']({ value }, v.getGlobalConfig()) as never },
  };
  return closed;
}

/** valibot issues as `{ path, message }`: the dotted path of the field (`(body)` for the whole value). */
export function fieldIssues(issues: readonly v.BaseIssue<unknown>[], prefix: readonly string[] = []): FieldIssue[] {
  return issues.map((issue) => {
    const path = [...prefix, ...(issue.path ?? []).map((item) => String(item.key))];
    return { path: path.join('.') || '(body)', message: issue.message };
  });
}

export type Validated<T> = { success: true; output: T } | { success: false; issues: FieldIssue[] };

/** Validates `value` with a shared schema; on failure, the issues named by field. */
export function validate<const TSchema extends v.GenericSchema>(
  schema: TSchema,
  value: unknown,
  prefix: readonly string[] = [],
): Validated<v.InferOutput<TSchema>> {
  const result = v.safeParse(schema, value);
  return result.success ? { success: true, output: result.output } : { success: false, issues: fieldIssues(result.issues, prefix) };
}
