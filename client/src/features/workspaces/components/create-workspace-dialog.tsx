import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { errorMessage } from '@/api/api-error';
import { sessionKeys } from '@/api/session-queries';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { Dialog } from '@/components/dialog';
import { TextField } from '@/components/form-field';
import { serverFieldErrors, validate, type FieldErrors } from '@/lib/field-errors';
import { paths } from '@/lib/paths';
import { toast } from '@/stores/toast-store';
import { createWorkspace, slugify, workspaceCreateSchema } from '../api/workspaces-api';

/** "New workspace" in the switcher: name and slug, then opens the prompts of its default project. */
export function CreateWorkspaceButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="sm" variant="ghost" onClick={() => setOpen(true)}>
        New workspace
      </Button>
      {open && <CreateWorkspaceDialog onClose={() => setOpen(false)} />}
    </>
  );
}

function CreateWorkspaceDialog({ onClose }: { onClose: () => void }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugTouched, setSlugTouched] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});

  const create = useMutation({
    mutationFn: createWorkspace,
    onSuccess: async ({ workspace, project }) => {
      toast(`Workspace ${workspace.name} created.`);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: sessionKeys.me }),
        queryClient.invalidateQueries({ queryKey: sessionKeys.workspaces }),
      ]);
      onClose();
      void navigate(paths.prompts(workspace.id, project.id));
    },
    onError: (error) => setErrors(serverFieldErrors(error)),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = validate(workspaceCreateSchema, { name: name.trim(), slug }, { slug: 'Lowercase letters, digits and dashes; start with a letter or digit.' });
    if (result.errors) return setErrors(result.errors);
    setErrors({});
    create.mutate(result.data);
  };

  return (
    <Dialog open title="New workspace" onClose={onClose}>
      <form onSubmit={submit} noValidate className="space-y-4">
        <p className="text-slate-600">You will own it; it starts with a Default project. Invite members from its settings.</p>
        <TextField
          label="Workspace name"
          value={name}
          data-autofocus
          onChange={(e) => {
            setName(e.target.value);
            if (!slugTouched) setSlug(slugify(e.target.value));
          }}
          error={errors.name}
        />
        <TextField
          label="Workspace slug"
          value={slug}
          onChange={(e) => {
            setSlug(e.target.value);
            setSlugTouched(true);
          }}
          error={errors.slug}
          hint="Unique across the instance."
        />
        {create.isError && Object.keys(errors).length === 0 && <Alert>{errorMessage(create.error)}</Alert>}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Create workspace
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
