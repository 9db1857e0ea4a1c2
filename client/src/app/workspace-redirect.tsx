import { useQuery } from '@tanstack/react-query';
import { Navigate, useParams } from 'react-router';
import { projectsQueryOptions } from '@/api/session-queries';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { paths } from '@/lib/paths';

/** `/w/:workspaceId`: open the workspace's first project. */
export function WorkspaceRedirect() {
  const { workspaceId = '' } = useParams();
  const projects = useQuery(projectsQueryOptions(workspaceId));
  if (projects.isPending) return <LoadingState />;
  if (projects.isError) return <div className="p-6"><ErrorState error={projects.error} onRetry={() => void projects.refetch()} /></div>;
  const first = projects.data.items[0];
  if (!first) {
    return (
      <div className="p-6">
        <EmptyState title="This workspace has no project yet">An admin can create one in the workspace settings.</EmptyState>
      </div>
    );
  }
  return <Navigate to={paths.prompts(workspaceId, first.id)} replace />;
}
