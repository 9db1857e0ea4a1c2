import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { errorMessage } from '@/api/api-error';
import { toast } from '@/stores/toast-store';
import { archivePrompt, promptKeys, restorePrompt } from '../api/prompts-api';

/** Archive (hidden from lists and resolve, with a confirmation) or restore a prompt. */
export function PromptArchiveButton({ projectId, name, archived }: { projectId: string; name: string; archived: boolean }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const change = useMutation({
    mutationFn: async () => {
      if (archived) await restorePrompt(projectId, name);
      else await archivePrompt(projectId, name);
    },
    onSuccess: async () => {
      toast(archived ? `${name} restored.` : `${name} archived.`);
      setConfirming(false);
      await queryClient.invalidateQueries({ queryKey: promptKeys.all(projectId) });
    },
  });

  if (archived) {
    return (
      <div className="flex flex-col items-end gap-1">
        <Button variant="secondary" loading={change.isPending} onClick={() => change.mutate()}>
          Restore prompt
        </Button>
        {change.isError && <p className="text-xs text-red-600">{errorMessage(change.error)}</p>}
      </div>
    );
  }
  return (
    <>
      <Button
        variant="secondary"
        onClick={() => {
          change.reset();
          setConfirming(true);
        }}
      >
        Archive prompt
      </Button>
      <ConfirmDialog
        open={confirming}
        title={`Archive ${name}`}
        confirmLabel="Archive"
        tone="danger"
        pending={change.isPending}
        error={change.error}
        onCancel={() => setConfirming(false)}
        onConfirm={() => change.mutate()}
      >
        <p>
          <span className="font-mono">{name}</span> disappears from the prompt list and applications can no longer resolve it. Its versions
          and labels are kept: restore it from the archived list at any time.
        </p>
      </ConfirmDialog>
    </>
  );
}
