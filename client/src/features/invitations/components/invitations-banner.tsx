import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { errorMessage } from '@/api/api-error';
import { sessionKeys } from '@/api/session-queries';
import { Button } from '@/components/button';
import { toast } from '@/stores/toast-store';
import { acceptInvitation, declineInvitation, invitationKeys, myInvitationsQueryOptions, type Invitation } from '../api/invitations-api';

/** Invitations waiting for the signed-in user, each with Accept and Decline; nothing when there are none. */
export function InvitationsBanner() {
  const invitations = useQuery(myInvitationsQueryOptions());
  const items = invitations.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section aria-label="Invitations" className="mb-6 space-y-2">
      {items.map((invitation) => (
        <InvitationRow key={invitation.id} invitation={invitation} />
      ))}
    </section>
  );
}

function InvitationRow({ invitation }: { invitation: Invitation }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: invitationKeys.mine }),
      queryClient.invalidateQueries({ queryKey: sessionKeys.me }),
      queryClient.invalidateQueries({ queryKey: sessionKeys.workspaces }),
    ]);
  const accept = useMutation({
    mutationFn: () => acceptInvitation(invitation.id),
    onSuccess: async (workspace) => {
      toast(`You joined ${workspace.name} as ${workspace.role}.`);
      await refresh();
      void navigate(`/w/${workspace.id}`);
    },
    onError: async (error) => {
      toast(errorMessage(error), 'error');
      await refresh();
    },
  });
  const decline = useMutation({
    mutationFn: () => declineInvitation(invitation.id),
    onSuccess: async () => {
      toast('Invitation declined.');
      await refresh();
    },
    onError: (error) => toast(errorMessage(error), 'error'),
  });
  const busy = accept.isPending || decline.isPending;
  const name = invitation.workspace.name;
  return (
    <div className="flex flex-wrap items-center gap-3 rounded-lg bg-indigo-50 px-4 py-3 text-sm ring-1 ring-indigo-200">
      <p className="min-w-0 flex-1">
        {invitation.invited_by ?? 'Someone'} invited you to <strong>{name}</strong> as <span className="capitalize">{invitation.role}</span>.
      </p>
      <Button size="sm" onClick={() => accept.mutate()} loading={accept.isPending} disabled={busy} aria-label={`Accept invitation to ${name}`}>
        Accept
      </Button>
      <Button variant="secondary" size="sm" onClick={() => decline.mutate()} loading={decline.isPending} disabled={busy} aria-label={`Decline invitation to ${name}`}>
        Decline
      </Button>
    </div>
  );
}
