/** Where to go after signing in: the `next` query parameter when it is a local path, else home. */
import { useSearchParams } from 'react-router';

export function usePostAuthRedirect(): string {
  const [params] = useSearchParams();
  const next = params.get('next');
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}
