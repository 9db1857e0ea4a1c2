import { useQuery } from '@tanstack/react-query';
import { Navigate, Outlet, useLocation } from 'react-router';
import { isApiError } from '@/api/api-error';
import { CSRF_COOKIE } from '@/api/http';
import { readCookie } from '@/api/cookies';
import { meQueryOptions } from '@/api/session-queries';
import { ErrorState, LoadingState } from '@/components/states';
import { paths } from '@/lib/paths';

/** Renders child routes only for a signed-in user; otherwise sends them to sign-in. */
export function RequireAuth() {
  const location = useLocation();
  // pf_csrf lives as long as the refresh token: without it there is no session to resume,
  // so skip the round trip (and its 401) and go straight to sign-in.
  const hasSession = Boolean(readCookie(CSRF_COOKIE));
  const me = useQuery({ ...meQueryOptions(), enabled: hasSession });
  const next = `${location.pathname}${location.search}`;
  const signIn = `${paths.signIn}${next && next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`;

  if (!hasSession) return <Navigate to={signIn} replace />;
  if (me.isPending) return <LoadingState label="Loading your session…" />;
  if (me.isError) {
    if (isApiError(me.error) && me.error.status === 401) return <Navigate to={signIn} replace />;
    return (
      <div className="p-6">
        <ErrorState error={me.error} onRetry={() => void me.refetch()} />
      </div>
    );
  }
  return <Outlet />;
}
