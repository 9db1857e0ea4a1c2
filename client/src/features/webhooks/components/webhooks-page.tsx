/** Settings → Webhooks (admins and owners): signed HTTP callbacks for the project's events. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { CopyButton } from '@/components/copy-button';
import { Dialog } from '@/components/dialog';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { useScope, useWorkspaceRole } from '@/hooks/use-scope';
import { roleAtLeast } from '@/lib/roles';
import { toast } from '@/stores/toast-store';
import { webhookKeys, webhooksQueryOptions, type Webhook, type WebhookWithSecret } from '../api/webhooks-api';
import { WebhookCard } from './webhook-card';
import { WebhookFormDialog } from './webhook-form-dialog';

/** The signing secret, shown once (after create or rotate) with a copy button and a warning. */
export function SecretDialog({ webhook, onClose }: { webhook: WebhookWithSecret | null; onClose: () => void }) {
  return (
    <Dialog
      open={webhook !== null}
      title="Webhook signing secret"
      onClose={onClose}
      footer={
        <Button onClick={onClose} data-autofocus>
          Done
        </Button>
      }
    >
      <div className="space-y-3">
        <Alert tone="warning">Copy this secret now. It will not be shown again.</Alert>
        <p>
          Receivers verify the <code>Webhook-Signature</code> header of every delivery to <span className="font-mono break-all">{webhook?.url}</span> with it
          (the Standard Webhooks scheme; see docs/webhooks.md).
        </p>
        <div className="flex items-center gap-2">
          <label htmlFor="webhook-secret" className="sr-only">
            Signing secret
          </label>
          <input id="webhook-secret" readOnly value={webhook?.secret ?? ''} className="w-full rounded-md bg-slate-100 px-2 py-1.5 font-mono text-xs" onFocus={(e) => e.target.select()} />
          <CopyButton value={webhook?.secret ?? ''} label="Copy secret" />
        </div>
      </div>
    </Dialog>
  );
}

export function WebhooksPage() {
  const { workspaceId, projectId } = useScope();
  const role = useWorkspaceRole(workspaceId);
  const canManage = roleAtLeast(role, 'admin');
  const queryClient = useQueryClient();
  const webhooks = useQuery({ ...webhooksQueryOptions(projectId), enabled: canManage });
  const [editing, setEditing] = useState<Webhook | 'new' | null>(null);
  const [secret, setSecret] = useState<WebhookWithSecret | null>(null);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: webhookKeys.all(projectId) });

  if (role && !canManage) {
    return <EmptyState title="Admins only">Webhooks are managed by workspace admins and owners.</EmptyState>;
  }
  return (
    <section aria-labelledby="webhooks-heading" className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="webhooks-heading" className="text-lg font-semibold">
          Webhooks
        </h2>
        <Button onClick={() => setEditing('new')}>New webhook</Button>
      </div>
      <p className="text-sm text-slate-600">
        Prompt-Forge POSTs each event of this project (new versions, label moves, deployments, finished evaluations, imports) to your URL, signed
        with the webhook's secret, and retries with back-off for about a day. A webhook that keeps failing is disabled; the reason is shown here.
      </p>
      {webhooks.isPending ? (
        <LoadingState />
      ) : webhooks.isError ? (
        <ErrorState error={webhooks.error} onRetry={() => void webhooks.refetch()} />
      ) : webhooks.data.items.length === 0 ? (
        <EmptyState title="No webhooks yet">Add one to tell Slack, CI or a GitOps pipeline when prompts change.</EmptyState>
      ) : (
        <ul className="space-y-3">
          {webhooks.data.items.map((w) => (
            <WebhookCard key={w.id} projectId={projectId} webhook={w} onEdit={() => setEditing(w)} onSecret={setSecret} />
          ))}
        </ul>
      )}
      {editing && (
        <WebhookFormDialog
          projectId={projectId}
          webhook={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(null)}
          onCreated={(created) => {
            setEditing(null);
            setSecret(created);
            void invalidate();
          }}
          onSaved={() => {
            setEditing(null);
            toast('Webhook saved.');
            void invalidate();
          }}
        />
      )}
      <SecretDialog webhook={secret} onClose={() => setSecret(null)} />
    </section>
  );
}
