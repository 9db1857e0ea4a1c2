/**
 * The one way the SPA talks to the API: same-origin cookies, the CSRF header on unsafe
 * requests, problem+json errors as ApiError, and a single refresh-and-retry on 401.
 */
import { ApiError, toApiError } from './api-error';
import { readCookie } from './cookies';

export const API_PREFIX = '/api/v1';
export const CSRF_COOKIE = 'pf_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

/** Absolute same-origin URLs, so the same code runs in the browser and under Node (tests). */
export function apiOrigin(): string {
  return typeof window !== 'undefined' && window.location?.origin && window.location.origin !== 'null' ? window.location.origin : '';
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// A 401 on these means "wrong credentials" or "no session", never "access token expired".
const NO_REFRESH_PATHS = ['/auth/login', '/auth/register', '/auth/refresh'];

type UnauthorizedHandler = () => void;
let onUnauthorized: UnauthorizedHandler = () => {};

/** Called once when a request stays 401 after a refresh attempt (the session is gone). */
export function setUnauthorizedHandler(handler: UnauthorizedHandler): void {
  onUnauthorized = handler;
}

let refreshInFlight: Promise<boolean> | null = null;

/** POST /auth/refresh, shared by every request that hit 401 at the same time. */
export function refreshSession(): Promise<boolean> {
  if (refreshInFlight) return refreshInFlight;
  const attempt = (async () => {
    try {
      const response = await fetch(`${apiOrigin()}${API_PREFIX}/auth/refresh`, withCsrf({ method: 'POST', credentials: 'same-origin' }));
      return response.ok;
    } catch {
      return false;
    }
  })();
  refreshInFlight = attempt;
  // Let the next expiry trigger a new refresh once this one has settled.
  void attempt.finally(() => {
    if (refreshInFlight === attempt) refreshInFlight = null;
  });
  return attempt;
}

function withCsrf(init: RequestInit): RequestInit {
  const method = (init.method ?? 'GET').toUpperCase();
  if (!UNSAFE_METHODS.has(method)) return init;
  const token = readCookie(CSRF_COOKIE);
  if (!token) return init;
  const headers = new Headers(init.headers);
  headers.set(CSRF_HEADER, token);
  return { ...init, headers };
}

function pathOf(url: string): string {
  try {
    return new URL(url, 'http://local').pathname;
  } catch {
    return url;
  }
}

/**
 * A drop-in `fetch` for API calls (the generated SDK uses it too): adds credentials and the CSRF
 * header, and on 401 refreshes the session once and retries; if that fails the unauthorized
 * handler runs and the 401 response is returned to the caller.
 */
export async function apiFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  // A Request object can be consumed only once: keep a pristine copy for the retry.
  const request = input instanceof Request ? input : null;
  const retryRequest = request ? request.clone() : null;
  const method = (init.method ?? request?.method ?? 'GET').toUpperCase();
  const url = request ? request.url : input.toString();

  const send = (req: Request | null): Promise<Response> => {
    if (req) {
      const headers = new Headers(req.headers);
      const csrf = withCsrf({ method, headers });
      return fetch(new Request(req, { credentials: 'same-origin', headers: csrf.headers }), init.signal ? { signal: init.signal } : undefined);
    }
    return fetch(input, withCsrf({ credentials: 'same-origin', ...init, method }));
  };

  const response = await send(request);
  if (response.status !== 401 || NO_REFRESH_PATHS.some((p) => pathOf(url).endsWith(p))) {
    return response;
  }
  const refreshed = await refreshSession();
  if (!refreshed) {
    onUnauthorized();
    return response;
  }
  const retried = await send(retryRequest);
  if (retried.status === 401) onUnauthorized();
  return retried;
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (!text) return undefined;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  signal?: AbortSignal;
}

/** Build `/api/v1/<path>?<query>`, dropping empty query values. */
export function apiUrl(path: string, query?: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return `${apiOrigin()}${API_PREFIX}${path.startsWith('/') ? path : `/${path}`}${qs ? `?${qs}` : ''}`;
}

/** A JSON request to the API; resolves with the parsed body or throws ApiError. */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers = new Headers({ Accept: 'application/json, application/problem+json' });
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    headers.set('Content-Type', 'application/json');
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await apiFetch(apiUrl(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body,
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({
      type: 'about:blank',
      title: 'Network error',
      status: 0,
      detail: 'The server could not be reached. Check your connection and try again.',
      code: 'network_error',
    });
  }
  const parsed = await readBody(response);
  if (!response.ok) throw toApiError(response.status, parsed, response.statusText);
  return parsed as T;
}

/** A cursor-paginated list as answered by every list route. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}
