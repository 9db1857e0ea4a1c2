import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '@/api/api-error';
import { sessionKeys } from '@/api/session-queries';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { SelectField, TextField } from '@/components/form-field';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { useScope, useWorkspaceRole } from '@/hooks/use-scope';
import { serverFieldErrors, validate, type FieldErrors } from '@/lib/field-errors';
import { formatDateTime } from '@/lib/format';
import { ROLES, roleAtLeast, type Role } from '@/lib/roles';
import { toast } from '@/stores/toast-store';
import { inviteMember, memberInviteSchema, membersQueryOptions, removeMember, updateMemberRole, workspaceKeys, type Member } from '../api/workspaces-api';
import { PendingInvitations } from './pending-invitations';

const roleOptions = ROLES.map((r) => ({ value: r, label: r[0]!.toUpperCase() + r.slice(1) }));

/** Roles `actor` may grant or take away: admins manage below admin, owners manage everyone. */
function assignableRoles(actor: string | undefined): readonly Role[] {
  if (actor === 'owner') return ROLES;
  if (actor === 'admin') return ['viewer', 'editor'];
  return [];
}

export function MembersPage() {
  const { workspaceId } = useScope();
  const myRole = useWorkspaceRole(workspaceId);
  const queryClient = useQueryClient();
  const members = useQuery(membersQueryOptions(workspaceId));
  const canManage = roleAtLeast(myRole, 'admin');
  const assignable = assignableRoles(myRole);

  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [removing, setRemoving] = useState<Member | null>(null);

  const invalidate = () => queryClient.invalidateQueries({ queryKey: workspaceKeys.members(workspaceId) });

  const invite = useMutation({
    mutationFn: (input: { email: string; role: Role }) => inviteMember(workspaceId, input),
    onSuccess: async (invitation) => {
      setEmail('');
      setErrors({});
      toast(`Invitation sent to ${invitation.email} (${invitation.role}). They join once they accept.`);
      await queryClient.invalidateQueries({ queryKey: workspaceKeys.invitations(workspaceId) });
    },
    onError: (error) => setErrors(serverFieldErrors(error)),
  });
  const changeRole = useMutation({
    mutationFn: ({ userId, role: next }: { userId: string; role: Role }) => updateMemberRole(workspaceId, userId, next),
    onSuccess: async () => {
      toast('Role updated.');
      await Promise.all([invalidate(), queryClient.invalidateQueries({ queryKey: sessionKeys.me })]);
    },
    onError: (error) => toast(errorMessage(error), 'error'),
  });
  const remove = useMutation({
    mutationFn: (userId: string) => removeMember(workspaceId, userId),
    onSuccess: async () => {
      toast('Member removed.');
      setRemoving(null);
      await invalidate();
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = validate(memberInviteSchema, { email, role });
    if (result.errors) return setErrors(result.errors);
    invite.mutate(result.data);
  };

  return (
    <section aria-labelledby="members-heading" className="space-y-6">
      <h2 id="members-heading" className="text-lg font-semibold">
        Members
      </h2>
      {canManage && (
        <form onSubmit={submit} noValidate className="flex flex-wrap items-end gap-3 rounded-lg bg-white p-4 ring-1 ring-slate-200">
          <TextField label="Member email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.email} containerClassName="min-w-56 flex-1" />
          <SelectField
            label="Role"
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            options={roleOptions.filter((o) => assignable.includes(o.value))}
            error={errors.role}
          />
          <Button type="submit" loading={invite.isPending}>
            Send invitation
          </Button>
          {invite.isError && Object.keys(errors).length === 0 && (
            <div className="w-full">
              <Alert>{errorMessage(invite.error)}</Alert>
            </div>
          )}
        </form>
      )}
      {canManage && <PendingInvitations workspaceId={workspaceId} assignable={assignable} />}
      {members.isPending ? (
        <LoadingState />
      ) : members.isError ? (
        <ErrorState error={members.error} onRetry={() => void members.refetch()} />
      ) : members.data.items.length === 0 ? (
        <EmptyState title="No members" />
      ) : (
        <div className="relative overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-600 uppercase">
              <tr>
                <th scope="col" className="px-4 py-2">Name</th>
                <th scope="col" className="px-4 py-2">Email</th>
                <th scope="col" className="px-4 py-2">Role</th>
                <th scope="col" className="px-4 py-2">Joined</th>
                <th scope="col" className="px-4 py-2"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {members.data.items.map((member) => {
                const editable = canManage && assignable.includes(member.role);
                return (
                  <tr key={member.user_id}>
                    <td className="px-4 py-2 font-medium">{member.display_name}</td>
                    <td className="px-4 py-2 text-slate-600">{member.email}</td>
                    <td className="px-4 py-2">
                      {editable ? (
                        <label className="sr-only" htmlFor={`role-${member.user_id}`}>
                          Role of {member.email}
                        </label>
                      ) : null}
                      {editable ? (
                        <select
                          id={`role-${member.user_id}`}
                          value={member.role}
                          disabled={changeRole.isPending}
                          onChange={(e) => changeRole.mutate({ userId: member.user_id, role: e.target.value as Role })}
                          className="rounded-md border-0 py-1 pr-8 pl-2 text-sm ring-1 ring-slate-300"
                        >
                          {roleOptions.filter((o) => assignable.includes(o.value)).map((o) => (
                            <option key={o.value} value={o.value}>{o.label}</option>
                          ))}
                        </select>
                      ) : (
                        <span className="capitalize">{member.role}</span>
                      )}
                    </td>
                    <td className="px-4 py-2 text-slate-500">{formatDateTime(member.created_at)}</td>
                    <td className="px-4 py-2 text-right">
                      {editable && (
                        <Button variant="ghost" size="sm" onClick={() => setRemoving(member)} aria-label={`Remove ${member.email}`}>
                          Remove
                        </Button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        open={removing !== null}
        title="Remove member"
        confirmLabel="Remove member"
        tone="danger"
        pending={remove.isPending}
        error={remove.error}
        onCancel={() => {
          setRemoving(null);
          remove.reset();
        }}
        onConfirm={() => removing && remove.mutate(removing.user_id)}
      >
        <p>
          Remove <strong>{removing?.email}</strong> from this workspace? They lose access to all of its projects.
        </p>
      </ConfirmDialog>
    </section>
  );
}
