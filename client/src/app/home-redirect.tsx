import { useQuery } from '@tanstack/react-query';
import { Navigate } from 'react-router';
import { meQueryOptions, projectsQueryOptions } from '@/api/session-queries';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { paths } from '@/lib/paths';
import { useLastScopeStore } from '@/stores/last-scope-store';

/** `/`: open the last used project, else the first project of the first workspace. */
export function HomeRedirect() {
  const me = useQuery(meQueryOptions());
  const last = useLastScopeStore((s) => s.last);
  const memberships = me.data?.memberships ?? [];
  const lastValid = last && memberships.some((m) => m.workspace.id === last.workspaceId) ? last : null;
  const workspaceId = lastValid?.workspaceId ?? memberships[0]?.workspace.id;
  const projects = useQuery({ ...projectsQueryOptions(workspaceId ?? ''), enabled: Boolean(workspaceId) && !lastValid });

  if (lastValid) return <Navigate to={paths.prompts(lastValid.workspaceId, lastValid.projectId)} replace />;
  if (me.isPending) return <LoadingState />;
  if (!workspaceId) {
    return (
      <div className="p-6">
        <EmptyState title="You are not a member of any workspace yet">Ask a workspace admin to invite you.</EmptyState>
      </div>
    );
  }
  if (projects.isPending) return <LoadingState />;
  if (projects.isError) return <div className="p-6"><ErrorState error={projects.error} onRetry={() => void projects.refetch()} /></div>;
  const project = projects.data.items[0];
  if (!project) {
    return (
      <div className="p-6">
        <EmptyState title="This workspace has no project yet">Create one under Settings → Projects.</EmptyState>
      </div>
    );
  }
  return <Navigate to={paths.prompts(workspaceId, project.id)} replace />;
}
