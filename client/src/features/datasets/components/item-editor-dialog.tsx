import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage, isApiError } from '@/api/api-error';
import type { DatasetItem } from '@/api/dataset-queries';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { Dialog } from '@/components/dialog';
import { TextAreaField } from '@/components/form-field';
import { addItem, updateItem } from '../api/datasets-api';
import { emptyItemForm, itemServerErrors, itemToForm, parseItemForm, type ExpectedMode, type ItemForm, type ItemFormErrors } from '../lib/item-form';

export interface ItemEditorDialogProps {
  projectId: string;
  datasetName: string;
  /** The item to edit, or null to add one. */
  item: DatasetItem | null;
  /** Variable names to pre-fill a new item's input with. */
  variables: string[];
  onClose: () => void;
  onSaved: (message: string) => void;
}

const mono = 'font-mono text-xs';

/** Add or edit one item: input and metadata as JSON objects, expected as text or JSON. */
export function ItemEditorDialog({ projectId, datasetName, item, variables, onClose, onSaved }: ItemEditorDialogProps) {
  const [form, setForm] = useState<ItemForm>(() => (item ? itemToForm(item) : emptyItemForm(variables)));
  const [errors, setErrors] = useState<ItemFormErrors & { _?: string }>({});
  const save = useMutation({
    mutationFn: async (parsed: NonNullable<ReturnType<typeof parseItemForm>['item']>) => {
      if (item) {
        const updated = await updateItem(projectId, datasetName, item.id, parsed);
        return `Item saved (version ${updated.version}).`;
      }
      const created = await addItem(projectId, datasetName, { ...parsed, expected: parsed.expected ?? undefined });
      return `Item added (version ${created.version}).`;
    },
    onSuccess: (message) => onSaved(message),
    onError: (error) => setErrors(isApiError(error) ? itemServerErrors(error.fieldMessages()) : {}),
  });
  const set = (change: Partial<ItemForm>) => setForm((f) => ({ ...f, ...change }));
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const result = parseItemForm(form);
    setErrors(result.errors ?? {});
    if (result.item) save.mutate(result.item);
  };
  const fieldErrorShown = Object.keys(errors).some((k) => k !== '_');

  return (
    <Dialog
      open
      title={item ? 'Edit item' : 'Add item'}
      onClose={onClose}
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={save.isPending}>
            Cancel
          </Button>
          <Button type="submit" form="item-editor-form" loading={save.isPending}>
            {item ? 'Save item' : 'Add item'}
          </Button>
        </>
      }
    >
      <form id="item-editor-form" className="space-y-3" onSubmit={submit} noValidate>
        <TextAreaField
          label="Input variables (JSON object)"
          value={form.input}
          onChange={(e) => set({ input: e.target.value })}
          error={errors.input}
          rows={6}
          spellCheck={false}
          className={mono}
          data-autofocus
        />
        <fieldset className="space-y-1">
          <legend className="text-sm font-medium text-slate-700">Expected output</legend>
          <div className="flex gap-4 text-sm">
            {(['text', 'json'] as ExpectedMode[]).map((mode) => (
              <label key={mode} className="flex items-center gap-1.5">
                <input type="radio" name="expected-mode" checked={form.expectedMode === mode} onChange={() => set({ expectedMode: mode })} />
                {mode === 'text' ? 'Text' : 'JSON'}
              </label>
            ))}
          </div>
          <TextAreaField
            label={form.expectedMode === 'text' ? 'Expected (text)' : 'Expected (JSON)'}
            value={form.expected}
            onChange={(e) => set({ expected: e.target.value })}
            error={errors.expected}
            hint="Leave empty for no expected output."
            rows={3}
            spellCheck={false}
            className={form.expectedMode === 'json' ? mono : undefined}
          />
        </fieldset>
        <TextAreaField
          label="Metadata (JSON object, optional)"
          value={form.metadata}
          onChange={(e) => set({ metadata: e.target.value })}
          error={errors.metadata}
          rows={2}
          spellCheck={false}
          className={mono}
        />
        {save.isError && (errors._ || !fieldErrorShown) && <Alert>{errors._ ?? errorMessage(save.error)}</Alert>}
      </form>
    </Dialog>
  );
}
