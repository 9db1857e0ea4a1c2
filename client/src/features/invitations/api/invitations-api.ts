/** Invitations addressed to the signed-in user: list, accept, decline (generated SDK). */
import { queryOptions } from '@tanstack/react-query';
import { invitationsAccept, invitationsDecline, invitationsListMine } from '@/api/generated/sdk.gen';
import type { Invitation } from '@/api/generated/types.gen';

export type { Invitation };

export const invitationKeys = {
  mine: ['invitations', 'mine'] as const,
};

export const myInvitationsQueryOptions = () =>
  queryOptions({
    queryKey: invitationKeys.mine,
    queryFn: async ({ signal }) => (await invitationsListMine({ signal, query: { limit: 100 }, throwOnError: true })).data,
    staleTime: 60_000,
  });

/** Join the workspace; resolves to it (with the role granted). */
export const acceptInvitation = async (invitationId: string) =>
  (await invitationsAccept({ path: { invitation_id: invitationId }, throwOnError: true })).data;
export const declineInvitation = async (invitationId: string) => {
  await invitationsDecline({ path: { invitation_id: invitationId }, throwOnError: true });
};
