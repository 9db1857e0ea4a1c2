/** Sign out: revoke the session server-side, drop every cached query, go to sign-in. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { paths } from '@/lib/paths';
import { signOut } from '../api/auth-api';

export function useSignOut() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: signOut,
    onSettled: () => {
      queryClient.clear();
      void navigate(paths.signIn, { replace: true });
    },
  });
}
