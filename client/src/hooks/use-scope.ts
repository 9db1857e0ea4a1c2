/** The workspace and project of the current route, and the caller's role there. */
import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { meQueryOptions, roleIn } from '@/api/session-queries';

export interface Scope {
  workspaceId: string;
  projectId: string;
}

export function useScope(): Scope {
  const { workspaceId, projectId } = useParams();
  if (!workspaceId || !projectId) throw new Error('useScope must be used under /w/:workspaceId/p/:projectId');
  return { workspaceId, projectId };
}

/** The caller's workspace role (undefined while /auth/me loads). */
export function useWorkspaceRole(workspaceId: string): string | undefined {
  const me = useQuery(meQueryOptions());
  return roleIn(me.data, workspaceId);
}
