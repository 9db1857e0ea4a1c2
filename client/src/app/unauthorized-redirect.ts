/** The one global 401 policy: after a failed refresh, back to sign-in. */
import type { QueryClient } from '@tanstack/react-query';
import type { createBrowserRouter } from 'react-router';
import { setUnauthorizedHandler } from '@/api/http';
import { paths } from '@/lib/paths';

export type Router = ReturnType<typeof createBrowserRouter>;

/** Session gone (refresh failed): drop cached data and go to sign-in, remembering where we were. */
export function installUnauthorizedRedirect(router: Router, queryClient: QueryClient): void {
  setUnauthorizedHandler(() => {
    const { pathname, search } = router.state.location;
    if (pathname === paths.signIn || pathname === paths.signUp) return;
    queryClient.clear();
    const next = `${pathname}${search}`;
    void router.navigate(`${paths.signIn}${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`, { replace: true });
  });
}

