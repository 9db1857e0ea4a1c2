/** A problem+json error answered by the API (RFC 9457), or a network failure mapped onto the same shape. */

export interface FieldError {
  loc: (string | number)[];
  msg: string;
  type?: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[] | null;
  /** Extension members of the problem (e.g. `reason`, `best_evaluation` of `deploy_gate_failed`). */
  [extension: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly fieldErrors: FieldError[];
  /** Members beyond the standard ones, as sent (empty for non-problem bodies). */
  readonly extensions: Record<string, unknown>;

  constructor(problem: ProblemDetails) {
    super(problem.detail || problem.title);
    this.name = 'ApiError';
    this.status = problem.status;
    this.code = problem.code;
    this.title = problem.title;
    this.detail = problem.detail;
    this.fieldErrors = problem.errors ?? [];
    const standard = new Set(['type', 'title', 'status', 'detail', 'code', 'errors']);
    this.extensions = Object.fromEntries(Object.entries(problem).filter(([key]) => !standard.has(key)));
  }

  /**
   * Field errors keyed by field path without the `body` prefix, e.g. `email` or `template.0.content`.
   * Errors without a field (loc of length ≤ 1) are left to `detail`.
   */
  fieldMessages(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const error of this.fieldErrors) {
      const path = error.loc[0] === 'body' || error.loc[0] === 'query' || error.loc[0] === 'path' ? error.loc.slice(1) : error.loc;
      const key = path.join('.');
      if (key && !(key in out)) out[key] = error.msg;
    }
    return out;
  }
}

function isProblem(value: unknown): value is ProblemDetails {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { status?: unknown }).status === 'number' &&
    typeof (value as { title?: unknown }).title === 'string'
  );
}

/** Turn any error body (problem+json, FastAPI default, plain text) into an ApiError. */
export function toApiError(status: number, body: unknown, statusText = ''): ApiError {
  if (isProblem(body)) {
    return new ApiError({
      ...body,
      type: body.type ?? 'about:blank',
      title: body.title,
      status: body.status,
      detail: body.detail ?? body.title,
      code: body.code ?? 'error',
      errors: body.errors ?? [],
    });
  }
  const detail =
    typeof body === 'object' && body !== null && typeof (body as { detail?: unknown }).detail === 'string'
      ? (body as { detail: string }).detail
      : typeof body === 'string' && body.length > 0 && body.length < 300
        ? body
        : statusText || `Request failed with status ${status}`;
  return new ApiError({ type: 'about:blank', title: statusText || 'Error', status, detail, code: 'error', errors: [] });
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** A human sentence for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.detail || error.title;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
