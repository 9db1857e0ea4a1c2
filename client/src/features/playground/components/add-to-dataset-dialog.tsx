import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage, isApiError } from '@/api/api-error';
import { addRunToDataset, createDataset, datasetCreateSchema, datasetKeys, datasetNameMessage, datasetsQueryOptions } from '@/api/dataset-queries';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { Dialog } from '@/components/dialog';
import { SelectField, TextField } from '@/components/form-field';
import { LoadingState } from '@/components/states';
import { validate, type FieldErrors } from '@/lib/field-errors';
import { paths } from '@/lib/paths';
import { toast } from '@/stores/toast-store';

const NEW = '__new__';

export interface AddToDatasetDialogProps {
  workspaceId: string;
  projectId: string;
  /** The completed run to copy; null keeps the dialog closed. */
  runId: string | null;
  onClose: () => void;
}

/**
 * Save a completed run as a dataset item (its variables as input, its output as expected), into
 * an existing dataset or a new one created on the spot.
 */
export function AddToDatasetDialog({ workspaceId, projectId, runId, onClose }: AddToDatasetDialogProps) {
  const queryClient = useQueryClient();
  const datasets = useQuery({ ...datasetsQueryOptions(projectId), enabled: runId !== null });
  const [choice, setChoice] = useState('');
  const [newName, setNewName] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const items = datasets.data?.items ?? [];
  const selected = choice || (items[0]?.name ?? NEW);

  const add = useMutation({
    mutationFn: async ({ run, name, create }: { run: string; name: string; create: boolean }) => {
      if (create) {
        await createDataset(projectId, { name, description: '' });
        // If adding the run fails now, a retry goes to the dataset just made, not a second create.
        await queryClient.invalidateQueries({ queryKey: datasetKeys.all(projectId) });
        setChoice(name);
      }
      const item = await addRunToDataset(projectId, name, run);
      return { name, version: item.version };
    },
    onSuccess: ({ name, version }) => {
      void queryClient.invalidateQueries({ queryKey: datasetKeys.all(projectId) });
      toast(`Run added to ${name} (version ${version}).`, 'success', { to: paths.dataset(workspaceId, projectId, name), label: 'Open dataset' });
      setNewName('');
      setChoice('');
      onClose();
    },
    onError: (error) => {
      if (isApiError(error) && error.code === 'dataset_exists') setErrors({ name: 'A dataset with this name already exists: pick it from the list.' });
      else if (isApiError(error) && error.fieldMessages().name) setErrors({ name: error.fieldMessages().name! });
    },
  });

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (!runId) return;
    if (selected === NEW) {
      const result = validate(datasetCreateSchema, { name: newName.trim() }, { name: datasetNameMessage });
      setErrors(result.errors ?? {});
      if (result.data) add.mutate({ run: runId, name: result.data.name, create: true });
    } else {
      setErrors({});
      add.mutate({ run: runId, name: selected, create: false });
    }
  };
  const close = () => {
    add.reset();
    setErrors({});
    onClose();
  };

  return (
    <Dialog
      open={runId !== null}
      title="Add run to a dataset"
      onClose={close}
      footer={
        <>
          <Button variant="secondary" onClick={close} disabled={add.isPending}>
            Cancel
          </Button>
          <Button type="submit" form="add-to-dataset-form" loading={add.isPending} disabled={datasets.isPending}>
            Add to dataset
          </Button>
        </>
      }
    >
      <form id="add-to-dataset-form" className="space-y-3" onSubmit={submit} noValidate>
        <p className="text-sm text-slate-600">The run’s variables become the item’s input and its output the expected value.</p>
        {datasets.isPending ? (
          <LoadingState label="Loading datasets…" />
        ) : (
          <SelectField
            label="Dataset"
            value={selected}
            onChange={(e) => setChoice(e.target.value)}
            options={[...items.map((d) => ({ value: d.name, label: `${d.name} (${d.item_count} items)` })), { value: NEW, label: 'New dataset…' }]}
            data-autofocus
          />
        )}
        {selected === NEW && <TextField label="New dataset name" value={newName} onChange={(e) => setNewName(e.target.value)} error={errors.name} autoComplete="off" />}
        {datasets.isError && <Alert>{errorMessage(datasets.error)}</Alert>}
        {add.isError && !errors.name && <Alert>{errorMessage(add.error)}</Alert>}
      </form>
    </Dialog>
  );
}
