import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { errorMessage } from '@/api/api-error';
import { datasetKeys, type Dataset } from '@/api/dataset-queries';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { Dialog } from '@/components/dialog';
import { TextAreaField } from '@/components/form-field';
import { serverFieldErrors } from '@/lib/field-errors';
import { toast } from '@/stores/toast-store';
import { deleteDataset, updateDataset } from '../api/datasets-api';

/** "Edit description" and "Delete dataset" for editors. */
export function DatasetActions({ projectId, dataset, listPath }: { projectId: string; dataset: Dataset; listPath: string }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const [description, setDescription] = useState(dataset.description);
  const [deleting, setDeleting] = useState(false);

  const save = useMutation({
    mutationFn: () => updateDataset(projectId, dataset.name, { description }),
    onSuccess: async () => {
      setEditing(false);
      toast('Description saved.');
      await queryClient.invalidateQueries({ queryKey: datasetKeys.all(projectId) });
    },
  });
  const remove = useMutation({
    mutationFn: () => deleteDataset(projectId, dataset.name),
    onSuccess: () => {
      toast(`Dataset ${dataset.name} deleted.`);
      queryClient.removeQueries({ queryKey: datasetKeys.detail(projectId, dataset.name) });
      void queryClient.invalidateQueries({ queryKey: datasetKeys.all(projectId) });
      void navigate(listPath);
    },
  });
  const descriptionError = save.isError ? serverFieldErrors(save.error).description : undefined;

  return (
    <>
      <Button
        variant="secondary"
        onClick={() => {
          setDescription(dataset.description);
          save.reset();
          setEditing(true);
        }}
      >
        Edit description
      </Button>
      <Button variant="danger" onClick={() => setDeleting(true)}>
        Delete dataset
      </Button>
      <Dialog
        open={editing}
        title="Edit description"
        onClose={() => setEditing(false)}
        footer={
          <>
            <Button variant="secondary" onClick={() => setEditing(false)} disabled={save.isPending}>
              Cancel
            </Button>
            <Button onClick={() => save.mutate()} loading={save.isPending}>
              Save description
            </Button>
          </>
        }
      >
        <div className="space-y-3">
          <TextAreaField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} error={descriptionError} rows={4} maxLength={2000} data-autofocus />
          {save.isError && !descriptionError && <Alert>{errorMessage(save.error)}</Alert>}
        </div>
      </Dialog>
      <ConfirmDialog
        open={deleting}
        title={`Delete dataset ${dataset.name}?`}
        confirmLabel="Delete dataset"
        tone="danger"
        pending={remove.isPending}
        error={remove.error}
        onConfirm={() => remove.mutate()}
        onCancel={() => {
          setDeleting(false);
          remove.reset();
        }}
      >
        <p>
          All {dataset.item_count.toLocaleString()} items and every earlier version are deleted. This cannot be undone.
        </p>
      </ConfirmDialog>
    </>
  );
}
