/** Workspace administration: members, invitations, projects and the audit log (generated SDK + zod schemas). */
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import {
  auditList,
  invitationsCreate,
  invitationsList,
  invitationsRevoke,
  projectsCreate,
  projectsDelete,
  projectsUpdate,
  workspacesCreate,
  workspacesListMembers,
  workspacesRemoveMember,
  workspacesUpdateMember,
} from '@/api/generated/sdk.gen';
import type { AuditEvent, Invitation, Member, MemberCreate, ProjectCreate, ProjectUpdate, WorkspaceCreate } from '@/api/generated/types.gen';
import { zMemberCreate, zProjectCreate, zWorkspaceCreate } from '@/api/generated/zod.gen';
import type { Role } from '@/lib/roles';

export type { AuditEvent, Invitation, Member, MemberCreate, ProjectCreate, WorkspaceCreate };

export const workspaceKeys = {
  members: (workspaceId: string) => ['workspaces', workspaceId, 'members'] as const,
  invitations: (workspaceId: string) => ['workspaces', workspaceId, 'invitations'] as const,
  audit: (workspaceId: string, filters: AuditFilters) => ['workspaces', workspaceId, 'audit-log', filters] as const,
};

export const membersQueryOptions = (workspaceId: string) =>
  queryOptions({
    queryKey: workspaceKeys.members(workspaceId),
    queryFn: async ({ signal }) =>
      (await workspacesListMembers({ signal, path: { workspace_id: workspaceId }, query: { limit: 100 }, throwOnError: true })).data,
  });

export const memberInviteSchema = zMemberCreate;

/** Pending invitations of a workspace (admins and owners only). */
export const invitationsQueryOptions = (workspaceId: string) =>
  queryOptions({
    queryKey: workspaceKeys.invitations(workspaceId),
    queryFn: async ({ signal }) =>
      (await invitationsList({ signal, path: { workspace_id: workspaceId }, query: { limit: 100 }, throwOnError: true })).data,
  });

/** Invite an e-mail address: it becomes a member only once the invitee accepts. */
export const inviteMember = async (workspaceId: string, body: MemberCreate) =>
  (await invitationsCreate({ path: { workspace_id: workspaceId }, body, throwOnError: true })).data;
export const revokeInvitation = async (workspaceId: string, invitationId: string) => {
  await invitationsRevoke({ path: { workspace_id: workspaceId, invitation_id: invitationId }, throwOnError: true });
};
export const updateMemberRole = async (workspaceId: string, userId: string, role: Role) =>
  (await workspacesUpdateMember({ path: { workspace_id: workspaceId, user_id: userId }, body: { role }, throwOnError: true })).data;
export const removeMember = async (workspaceId: string, userId: string) => {
  await workspacesRemoveMember({ path: { workspace_id: workspaceId, user_id: userId }, throwOnError: true });
};

export const workspaceCreateSchema = zWorkspaceCreate;

/** A new workspace (the caller owns it) with a first `default` project, like the personal one. */
export const createWorkspace = async (body: WorkspaceCreate) => {
  const workspace = (await workspacesCreate({ body, throwOnError: true })).data;
  const project = await createProject(workspace.id, { name: 'Default', slug: 'default' });
  return { workspace, project };
};

export const projectCreateSchema = zProjectCreate;

export const createProject = async (workspaceId: string, body: ProjectCreate) =>
  (await projectsCreate({ path: { workspace_id: workspaceId }, body, throwOnError: true })).data;
export const updateProject = async (projectId: string, body: ProjectUpdate) =>
  (await projectsUpdate({ path: { project_id: projectId }, body, throwOnError: true })).data;
export const deleteProject = async (projectId: string) => {
  await projectsDelete({ path: { project_id: projectId }, throwOnError: true });
};

export interface AuditFilters {
  action: string;
  actor: string;
}

export const auditLogQueryOptions = (workspaceId: string, filters: AuditFilters) =>
  infiniteQueryOptions({
    queryKey: workspaceKeys.audit(workspaceId, filters),
    queryFn: async ({ signal, pageParam }) =>
      (
        await auditList({
          signal,
          path: { workspace_id: workspaceId },
          query: { action: filters.action || undefined, actor: filters.actor || undefined, limit: 50, cursor: pageParam },
          throwOnError: true,
        })
      ).data,
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });

/** Lowercase slug from a display name: "My Project" → "my-project". */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}
