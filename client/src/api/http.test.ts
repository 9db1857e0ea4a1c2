import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { server } from '@/test/msw-server';
import { problem, PROBLEM_HEADERS } from '@/test/render';
import { ApiError } from './api-error';
import { apiRequest, setUnauthorizedHandler } from './http';

describe('apiRequest', () => {
  it('sends the CSRF cookie as X-CSRF-Token on unsafe methods only', async () => {
    document.cookie = 'pf_csrf=token-123; path=/';
    const seen: Record<string, string | null> = {};
    server.use(
      http.get('*/api/v1/things', ({ request }) => {
        seen.get = request.headers.get('X-CSRF-Token');
        return HttpResponse.json({ ok: true });
      }),
      http.post('*/api/v1/things', ({ request }) => {
        seen.post = request.headers.get('X-CSRF-Token');
        return HttpResponse.json({ ok: true }, { status: 201 });
      }),
    );
    await apiRequest('/things');
    await apiRequest('/things', { method: 'POST', body: { a: 1 } });
    expect(seen.get).toBeNull();
    expect(seen.post).toBe('token-123');
  });

  it('parses problem+json into an ApiError with field errors', async () => {
    server.use(
      http.post('*/api/v1/things', () =>
        HttpResponse.json(problem(422, 'Validation failed', [{ loc: ['body', 'email'], msg: 'already taken', type: 'value_error' }], 'validation_error'), {
          status: 422,
          headers: PROBLEM_HEADERS,
        }),
      ),
    );
    const error = await apiRequest('/things', { method: 'POST', body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    expect(apiError.status).toBe(422);
    expect(apiError.code).toBe('validation_error');
    expect(apiError.fieldMessages()).toEqual({ email: 'already taken' });
  });

  it('refreshes once on 401 and retries the request', async () => {
    let calls = 0;
    let refreshes = 0;
    server.use(
      http.get('*/api/v1/things', () => {
        calls += 1;
        return calls === 1 ? HttpResponse.json(problem(401, 'expired'), { status: 401, headers: PROBLEM_HEADERS }) : HttpResponse.json({ ok: true });
      }),
      http.post('*/api/v1/auth/refresh', () => {
        refreshes += 1;
        return HttpResponse.json({ id: 'u' });
      }),
    );
    await expect(apiRequest('/things')).resolves.toEqual({ ok: true });
    expect(calls).toBe(2);
    expect(refreshes).toBe(1);
  });

  it('shares one refresh between concurrent 401s', async () => {
    let refreshes = 0;
    const seen = new Set<string>();
    server.use(
      http.get('*/api/v1/things/:id', ({ params }) => {
        const id = String(params.id);
        if (!seen.has(id)) {
          seen.add(id);
          return HttpResponse.json(problem(401, 'expired'), { status: 401, headers: PROBLEM_HEADERS });
        }
        return HttpResponse.json({ id });
      }),
      http.post('*/api/v1/auth/refresh', async () => {
        refreshes += 1;
        await new Promise((r) => setTimeout(r, 20));
        return HttpResponse.json({ id: 'u' });
      }),
    );
    const results = await Promise.all([apiRequest('/things/1'), apiRequest('/things/2'), apiRequest('/things/3')]);
    expect(results).toEqual([{ id: '1' }, { id: '2' }, { id: '3' }]);
    expect(refreshes).toBe(1);
  });

  it('calls the unauthorized handler when the refresh fails', async () => {
    const onUnauthorized = vi.fn();
    setUnauthorizedHandler(onUnauthorized);
    server.use(
      http.get('*/api/v1/things', () => HttpResponse.json(problem(401, 'expired'), { status: 401, headers: PROBLEM_HEADERS })),
      http.post('*/api/v1/auth/refresh', () => HttpResponse.json(problem(401, 'invalid'), { status: 401, headers: PROBLEM_HEADERS })),
    );
    const error = await apiRequest('/things').catch((e: unknown) => e);
    expect((error as ApiError).status).toBe(401);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    setUnauthorizedHandler(() => {});
  });

  it('does not refresh when the login itself answers 401', async () => {
    let refreshes = 0;
    server.use(
      http.post('*/api/v1/auth/login', () => HttpResponse.json(problem(401, 'bad credentials'), { status: 401, headers: PROBLEM_HEADERS })),
      http.post('*/api/v1/auth/refresh', () => {
        refreshes += 1;
        return HttpResponse.json({});
      }),
    );
    await expect(apiRequest('/auth/login', { method: 'POST', body: {} })).rejects.toBeInstanceOf(ApiError);
    expect(refreshes).toBe(0);
  });

  it('never writes tokens to web storage', async () => {
    server.use(http.post('*/api/v1/auth/login', () => HttpResponse.json({ id: 'u' })));
    await apiRequest('/auth/login', { method: 'POST', body: {} });
    // MSW keeps its own cookie jar in localStorage; nothing else may be there.
    const ours = (storage: Storage) => Object.keys(storage).filter((key) => !key.startsWith('__msw'));
    expect(ours(localStorage)).toEqual([]);
    expect(ours(sessionStorage)).toEqual([]);
  });
});
