import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '@/api/api-error';
import { projectsQueryOptions, sessionKeys, type Project } from '@/api/session-queries';
import { Alert } from '@/components/alert';
import { Badge } from '@/components/badge';
import { Button } from '@/components/button';
import { TextField } from '@/components/form-field';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { useScope, useWorkspaceRole } from '@/hooks/use-scope';
import { serverFieldErrors, validate, type FieldErrors } from '@/lib/field-errors';
import { formatDateTime } from '@/lib/format';
import { paths } from '@/lib/paths';
import { roleAtLeast } from '@/lib/roles';
import { toast } from '@/stores/toast-store';
import { createProject, projectCreateSchema, slugify, updateProject } from '../api/workspaces-api';

function ProtectedLabelsEditor({ project, canEdit }: { project: Project; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const [value, setValue] = useState(project.protected_labels.join(', '));
  const save = useMutation({
    mutationFn: (labels: string[]) => updateProject(project.id, { protected_labels: labels }),
    onSuccess: async () => {
      toast('Protected labels saved.');
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: sessionKeys.project(project.id) }),
        queryClient.invalidateQueries({ queryKey: sessionKeys.projects(project.workspace_id) }),
      ]);
    },
  });
  if (!canEdit) {
    return (
      <div className="flex flex-wrap gap-1">
        {project.protected_labels.map((l) => (
          <Badge key={l} tone="amber">{l}</Badge>
        ))}
      </div>
    );
  }
  return (
    <form
      className="flex flex-wrap items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(value.split(',').map((s) => s.trim()).filter(Boolean));
      }}
    >
      <TextField
        label={`Protected labels of ${project.name}`}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        hint="Comma-separated. Only admins and owners can move these."
        error={save.isError ? errorMessage(save.error) : undefined}
        containerClassName="min-w-48 flex-1"
      />
      <Button type="submit" variant="secondary" size="sm" loading={save.isPending}>
        Save labels
      </Button>
    </form>
  );
}

export function ProjectsPage() {
  const { workspaceId } = useScope();
  const role = useWorkspaceRole(workspaceId);
  const canManage = roleAtLeast(role, 'admin');
  const queryClient = useQueryClient();
  const projects = useQuery(projectsQueryOptions(workspaceId));
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugTouched, setSlugTouched] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});

  const create = useMutation({
    mutationFn: (input: { name: string; slug: string }) => createProject(workspaceId, input),
    onSuccess: async (project) => {
      toast(`Project ${project.name} created.`);
      setName('');
      setSlug('');
      setSlugTouched(false);
      setErrors({});
      await queryClient.invalidateQueries({ queryKey: sessionKeys.projects(workspaceId) });
    },
    onError: (error) => setErrors(serverFieldErrors(error)),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = validate(projectCreateSchema, { name, slug });
    if (result.errors) return setErrors(result.errors);
    create.mutate(result.data);
  };

  return (
    <section aria-labelledby="projects-heading" className="space-y-6">
      <h2 id="projects-heading" className="text-lg font-semibold">
        Projects
      </h2>
      {canManage && (
        <form onSubmit={submit} noValidate className="flex flex-wrap items-end gap-3 rounded-lg bg-white p-4 ring-1 ring-slate-200">
          <TextField
            label="Project name"
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              if (!slugTouched) setSlug(slugify(e.target.value));
            }}
            error={errors.name}
            containerClassName="min-w-48 flex-1"
          />
          <TextField
            label="Project slug"
            value={slug}
            onChange={(e) => {
              setSlug(e.target.value);
              setSlugTouched(true);
            }}
            error={errors.slug}
            containerClassName="min-w-48 flex-1"
          />
          <Button type="submit" loading={create.isPending}>
            Create project
          </Button>
          {create.isError && Object.keys(errors).length === 0 && (
            <div className="w-full">
              <Alert>{errorMessage(create.error)}</Alert>
            </div>
          )}
        </form>
      )}
      {projects.isPending ? (
        <LoadingState />
      ) : projects.isError ? (
        <ErrorState error={projects.error} onRetry={() => void projects.refetch()} />
      ) : projects.data.items.length === 0 ? (
        <EmptyState title="No projects yet" />
      ) : (
        <ul className="space-y-3">
          {projects.data.items.map((project) => (
            <li key={project.id} className="space-y-3 rounded-lg bg-white p-4 ring-1 ring-slate-200">
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <div>
                  <Link to={paths.prompts(workspaceId, project.id)} className="font-medium text-indigo-700 hover:underline">
                    {project.name}
                  </Link>
                  <span className="ml-2 font-mono text-xs text-slate-500">{project.slug}</span>
                </div>
                <span className="text-xs text-slate-500">Created {formatDateTime(project.created_at)}</span>
              </div>
              <ProtectedLabelsEditor project={project} canEdit={canManage} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
