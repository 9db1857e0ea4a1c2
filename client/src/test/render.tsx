import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router';

export function testQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false } } });
}

/** Render `element` at `path` (a route pattern) visited as `url`, plus extra routes to land on. */
export function renderRoute(element: ReactElement, { path = '/', url = '/', extra = [] }: { path?: string; url?: string; extra?: RouteObject[] } = {}) {
  const queryClient = testQueryClient();
  const router = createMemoryRouter([{ path, element }, ...extra], { initialEntries: [url] });
  const utils = render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { ...utils, router, queryClient };
}

export const problem = (status: number, detail: string, errors: { loc: (string | number)[]; msg: string; type: string }[] = [], code = 'error') => ({
  type: 'about:blank',
  title: detail,
  status,
  detail,
  code,
  errors,
});

export const PROBLEM_HEADERS = { 'Content-Type': 'application/problem+json' };
