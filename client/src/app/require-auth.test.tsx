import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { server } from '@/test/msw-server';
import { problem, PROBLEM_HEADERS, renderRoute } from '@/test/render';
import { RequireAuth } from './require-auth';

const signIn = { path: '/sign-in', element: <p>sign-in page</p> };

describe('RequireAuth', () => {
  it('goes straight to sign-in without a session cookie (no request)', async () => {
    const { router } = renderRoute(<RequireAuth />, { path: '/w/:id', url: '/w/abc', extra: [signIn] });
    expect(await screen.findByText('sign-in page')).toBeInTheDocument();
    expect(router.state.location.search).toBe('?next=%2Fw%2Fabc');
  });

  it('goes to sign-in when the session cannot be refreshed', async () => {
    document.cookie = 'pf_csrf=stale; path=/';
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(problem(401, 'expired'), { status: 401, headers: PROBLEM_HEADERS })),
      http.post('*/api/v1/auth/refresh', () => HttpResponse.json(problem(401, 'invalid'), { status: 401, headers: PROBLEM_HEADERS })),
    );
    renderRoute(<RequireAuth />, { path: '/', url: '/', extra: [signIn] });
    expect(await screen.findByText('sign-in page')).toBeInTheDocument();
  });
});
