/** Field-level messages for forms, from client-side zod validation or the server's problem+json. */
import type { z } from 'zod';
import { isApiError } from '@/api/api-error';

export type FieldErrors = Record<string, string>;

export function zodFieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || '_';
    if (!(key in out)) out[key] = issue.message;
  }
  return out;
}

/**
 * Per-field wording for a generated schema, by dotted path; a path also covers what is below it
 * ("tags" covers "tags.3") and `*` stands for any index ("template.*.name").
 */
export type FieldMessages = Record<string, string>;

/**
 * Validate `value` with `schema`; returns the parsed value or the field errors. `messages` words
 * the failures of the given fields (the generated schemas carry no messages of their own).
 */
export function validate<T>(
  schema: z.ZodType<T>,
  value: unknown,
  messages: FieldMessages = {},
): { data: T; errors: null } | { data: null; errors: FieldErrors } {
  const result = schema.safeParse(value, {
    error: (issue) => {
      const path = (issue.path ?? []).map(String);
      for (let n = path.length; n > 0; n--) {
        const prefix = path.slice(0, n);
        const message = messages[prefix.join('.')] ?? messages[prefix.map((p) => (/^\d+$/.test(p) ? '*' : p)).join('.')];
        if (message) return message;
      }
      return undefined;
    },
  });
  if (result.success) return { data: result.data, errors: null };
  return { data: null, errors: zodFieldErrors(result.error) };
}

/** Field errors carried by a server error (422), if any. */
export function serverFieldErrors(error: unknown): FieldErrors {
  return isApiError(error) ? error.fieldMessages() : {};
}
