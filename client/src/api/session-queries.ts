/**
 * Queries every part of the app needs: who is signed in, their workspaces and the current
 * project. Feature-specific requests live in src/features/<feature>/api.
 */
import { queryOptions } from '@tanstack/react-query';
import { authMe, projectsGet, projectsList, workspacesList } from './generated/sdk.gen';
import type { Me, Project } from './generated/types.gen';

export type { Me, Project };

export const sessionKeys = {
  me: ['me'] as const,
  workspaces: ['workspaces'] as const,
  workspace: (workspaceId: string) => ['workspaces', workspaceId] as const,
  projects: (workspaceId: string) => ['workspaces', workspaceId, 'projects'] as const,
  project: (projectId: string) => ['projects', projectId] as const,
};

export const meQueryOptions = () =>
  queryOptions({
    queryKey: sessionKeys.me,
    queryFn: async ({ signal }) => (await authMe({ signal, throwOnError: true })).data,
    staleTime: 60_000,
    retry: false,
  });

export const workspacesQueryOptions = () =>
  queryOptions({
    queryKey: sessionKeys.workspaces,
    queryFn: async ({ signal }) => (await workspacesList({ signal, query: { limit: 100 }, throwOnError: true })).data,
  });

export const projectsQueryOptions = (workspaceId: string) =>
  queryOptions({
    queryKey: sessionKeys.projects(workspaceId),
    queryFn: async ({ signal }) =>
      (await projectsList({ signal, path: { workspace_id: workspaceId }, query: { limit: 100 }, throwOnError: true })).data,
  });

export const projectQueryOptions = (projectId: string) =>
  queryOptions({
    queryKey: sessionKeys.project(projectId),
    queryFn: async ({ signal }) => (await projectsGet({ signal, path: { project_id: projectId }, throwOnError: true })).data,
  });

/** The caller's role in a workspace, from /auth/me. */
export function roleIn(me: Me | undefined, workspaceId: string | undefined): string | undefined {
  return me?.memberships.find((m) => m.workspace.id === workspaceId)?.role;
}
