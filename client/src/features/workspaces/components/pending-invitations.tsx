import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge } from '@/components/badge';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorState } from '@/components/states';
import { formatDateTime } from '@/lib/format';
import type { Role } from '@/lib/roles';
import { toast } from '@/stores/toast-store';
import { invitationsQueryOptions, revokeInvitation, workspaceKeys, type Invitation } from '../api/workspaces-api';

/** The members page's list of invitations not answered yet, each revocable by whoever may grant its role. */
export function PendingInvitations({ workspaceId, assignable }: { workspaceId: string; assignable: readonly Role[] }) {
  const queryClient = useQueryClient();
  const invitations = useQuery(invitationsQueryOptions(workspaceId));
  const [revoking, setRevoking] = useState<Invitation | null>(null);
  const revoke = useMutation({
    mutationFn: (invitationId: string) => revokeInvitation(workspaceId, invitationId),
    onSuccess: async () => {
      toast('Invitation revoked.');
      setRevoking(null);
      await queryClient.invalidateQueries({ queryKey: workspaceKeys.invitations(workspaceId) });
    },
  });

  if (invitations.isError) return <ErrorState error={invitations.error} onRetry={() => void invitations.refetch()} />;
  const items = invitations.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section aria-labelledby="invitations-heading" className="space-y-2">
      <h3 id="invitations-heading" className="text-sm font-semibold text-slate-700">
        Pending invitations
      </h3>
      <ul className="divide-y divide-slate-100 rounded-lg bg-white ring-1 ring-slate-200">
        {items.map((invitation) => (
          <li key={invitation.id} className="flex flex-wrap items-center gap-3 px-4 py-2 text-sm">
            <span className="font-medium">{invitation.email}</span>
            <span className="capitalize text-slate-600">{invitation.role}</span>
            {invitation.status === 'expired' ? <Badge tone="amber">Expired</Badge> : null}
            <span className="text-slate-500">
              {invitation.status === 'expired' ? 'expired' : 'expires'} {formatDateTime(invitation.expires_at)}
            </span>
            <span className="flex-1" />
            {assignable.includes(invitation.role) && (
              <Button variant="ghost" size="sm" onClick={() => setRevoking(invitation)} aria-label={`Revoke invitation of ${invitation.email}`}>
                Revoke
              </Button>
            )}
          </li>
        ))}
      </ul>
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke invitation"
        confirmLabel="Revoke invitation"
        tone="danger"
        pending={revoke.isPending}
        error={revoke.error}
        onCancel={() => {
          setRevoking(null);
          revoke.reset();
        }}
        onConfirm={() => revoking && revoke.mutate(revoking.id)}
      >
        <p>
          Revoke the invitation of <strong>{revoking?.email}</strong>? They can no longer accept it.
        </p>
      </ConfirmDialog>
    </section>
  );
}
