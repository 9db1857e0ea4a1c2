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

/** Validate `value` with `schema`; returns the parsed value or the field errors. */
export function validate<T>(schema: z.ZodType<T>, value: unknown): { data: T; errors: null } | { data: null; errors: FieldErrors } {
  const result = schema.safeParse(value);
  if (result.success) return { data: result.data, errors: null };
  return { data: null, errors: zodFieldErrors(result.error) };
}

/** Field errors carried by a server error (422), if any. */
export function serverFieldErrors(error: unknown): FieldErrors {
  return isApiError(error) ? error.fieldMessages() : {};
}
