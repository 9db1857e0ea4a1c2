/**
 * Points the generated SDK at our fetch wrapper (cookies, CSRF, refresh-once on 401) and turns
 * every error into an ApiError. Imported once, first, by main.tsx (and the test setup).
 */
import { ApiError, toApiError } from './api-error';
import { client } from './generated/client.gen';
import { apiFetch, apiOrigin } from './http';

client.setConfig({ baseUrl: apiOrigin(), fetch: apiFetch, throwOnError: true });

client.interceptors.error.use((error, response) => {
  if (error instanceof ApiError) return error;
  if (!response) {
    if (error instanceof DOMException && error.name === 'AbortError') return error;
    return new ApiError({
      type: 'about:blank',
      title: 'Network error',
      status: 0,
      detail: 'The server could not be reached. Check your connection and try again.',
      code: 'network_error',
    });
  }
  return toApiError(response.status, error, response.statusText);
});
