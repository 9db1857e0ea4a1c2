import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage, isApiError } from '@/api/api-error';
import { createDataset, datasetCreateSchema, datasetKeys, datasetNameMessage, type Dataset } from '@/api/dataset-queries';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { Dialog } from '@/components/dialog';
import { TextAreaField, TextField } from '@/components/form-field';
import { serverFieldErrors, validate, type FieldErrors } from '@/lib/field-errors';

/** Name (the prompt-name rule) and description; a taken name is shown next to the name field. */
export function CreateDatasetDialog({ projectId, open, onClose, onCreated }: { projectId: string; open: boolean; onClose: () => void; onCreated: (dataset: Dataset) => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const create = useMutation({
    mutationFn: (body: { name: string; description: string }) => createDataset(projectId, body),
    onSuccess: async (dataset) => {
      await queryClient.invalidateQueries({ queryKey: datasetKeys.all(projectId) });
      setName('');
      setDescription('');
      onCreated(dataset);
    },
    onError: (error) => {
      if (isApiError(error) && error.status === 409) setErrors({ name: `A dataset named “${name.trim()}” already exists in this project.` });
      else setErrors(serverFieldErrors(error));
    },
  });

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const result = validate(datasetCreateSchema, { name: name.trim(), description }, { name: datasetNameMessage });
    setErrors(result.errors ?? {});
    if (result.data) create.mutate({ name: result.data.name, description: result.data.description });
  };
  const close = () => {
    setErrors({});
    create.reset();
    onClose();
  };
  const otherError = create.isError && !(isApiError(create.error) && (create.error.status === 409 || Object.keys(create.error.fieldMessages()).length > 0));

  return (
    <Dialog
      open={open}
      title="New dataset"
      onClose={close}
      footer={
        <>
          <Button variant="secondary" onClick={close} disabled={create.isPending}>
            Cancel
          </Button>
          <Button type="submit" form="create-dataset-form" loading={create.isPending}>
            Create dataset
          </Button>
        </>
      }
    >
      <form id="create-dataset-form" className="space-y-3" onSubmit={submit} noValidate>
        <TextField label="Dataset name" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} hint="Lowercase letters, digits, “.”, “_” and “-”, like a prompt name." autoComplete="off" data-autofocus />
        <TextAreaField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} error={errors.description} rows={3} />
        {otherError && <Alert>{errorMessage(create.error)}</Alert>}
      </form>
    </Dialog>
  );
}
