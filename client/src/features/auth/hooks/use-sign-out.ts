/** Sign out: revoke the session server-side, go to sign-in (which drops every cached query). */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { paths } from '@/lib/paths';
import { signOut } from '../api/auth-api';

export function useSignOut() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: signOut,
    onSettled: async () => {
      // Leave the signed-in pages first: clearing the cache while they are still mounted makes
      // their queries refetch without a session (401s, a failed refresh) on the way out. The
      // sign-in page drops the cache once it is shown.
      await queryClient.cancelQueries();
      await navigate(paths.signIn, { replace: true });
    },
  });
}
