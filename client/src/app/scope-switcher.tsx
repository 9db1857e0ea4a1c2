import { useQuery } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { meQueryOptions, projectsQueryOptions } from '@/api/session-queries';
import { SelectField } from '@/components/form-field';
import { CreateWorkspaceButton } from '@/features/workspaces/components/create-workspace-dialog';
import { paths } from '@/lib/paths';

/** Workspace and project pickers (and a new workspace); switching opens the prompts of the chosen project. */
export function ScopeSwitcher({ workspaceId, projectId }: { workspaceId: string; projectId: string }) {
  const navigate = useNavigate();
  const me = useQuery(meQueryOptions());
  const projects = useQuery(projectsQueryOptions(workspaceId));
  const memberships = me.data?.memberships ?? [];

  const workspaceOptions = memberships.map((m) => ({ value: m.workspace.id, label: m.workspace.name }));
  if (!workspaceOptions.some((o) => o.value === workspaceId)) workspaceOptions.unshift({ value: workspaceId, label: 'Loading…' });
  const projectOptions = (projects.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }));
  if (!projectOptions.some((o) => o.value === projectId)) projectOptions.unshift({ value: projectId, label: projects.isPending ? 'Loading…' : 'Unknown project' });

  return (
    <div className="space-y-3">
      <div>
        <SelectField
          label="Workspace"
          value={workspaceId}
          options={workspaceOptions}
          onChange={(e) => void navigate(`/w/${e.target.value}`)}
        />
        <div className="mt-1 flex justify-end">
          <CreateWorkspaceButton />
        </div>
      </div>
      <SelectField
        label="Project"
        value={projectId}
        options={projectOptions}
        onChange={(e) => void navigate(paths.prompts(workspaceId, e.target.value))}
      />
    </div>
  );
}
