/** One webhook: URL, events, state (and why the server disabled it), actions, test outcome, deliveries. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '@/api/api-error';
import { Alert } from '@/components/alert';
import { Badge } from '@/components/badge';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { formatDateTime } from '@/lib/format';
import { toast } from '@/stores/toast-store';
import { ALL_EVENTS, deleteWebhook, rotateWebhookSecret, testWebhook, webhookKeys, type Delivery, type Webhook, type WebhookWithSecret } from '../api/webhooks-api';
import { DeliveriesTable, DeliveryBadge } from './deliveries-table';

function TestOutcome({ delivery }: { delivery: Delivery }) {
  const ok = delivery.status === 'succeeded';
  return (
    <Alert tone={ok ? 'success' : 'error'} title={ok ? 'Test event delivered' : 'Test event not delivered'}>
      <span data-testid="test-outcome" className="flex flex-wrap items-center gap-2">
        <DeliveryBadge delivery={delivery} />
        {delivery.status_code !== null ? `HTTP ${delivery.status_code}` : 'no HTTP answer'}
        {delivery.duration_ms !== null && ` in ${delivery.duration_ms} ms`}
        {delivery.error && <span>— {delivery.error}</span>}
      </span>
    </Alert>
  );
}

export function WebhookCard({
  projectId,
  webhook,
  onEdit,
  onSecret,
}: {
  projectId: string;
  webhook: Webhook;
  onEdit: () => void;
  onSecret: (w: WebhookWithSecret) => void;
}) {
  const queryClient = useQueryClient();
  const [showDeliveries, setShowDeliveries] = useState(false);
  const [confirm, setConfirm] = useState<'rotate' | 'delete' | null>(null);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: webhookKeys.all(projectId) });
  const test = useMutation({ mutationFn: () => testWebhook(projectId, webhook.id), onSettled: invalidate });
  const rotate = useMutation({
    mutationFn: () => rotateWebhookSecret(projectId, webhook.id),
    onSuccess: async (w) => {
      setConfirm(null);
      onSecret(w);
      await invalidate();
    },
  });
  const remove = useMutation({
    mutationFn: () => deleteWebhook(projectId, webhook.id),
    onSuccess: async () => {
      setConfirm(null);
      toast('Webhook deleted.');
      await invalidate();
    },
  });
  const all = webhook.events.includes(ALL_EVENTS);
  return (
    <li className="min-w-0 space-y-3 rounded-lg bg-white p-4 ring-1 ring-slate-200" aria-label={`Webhook ${webhook.url}`}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <p className="font-mono text-sm font-semibold break-all">{webhook.url}</p>
          {webhook.description && <p className="text-sm text-slate-600">{webhook.description}</p>}
        </div>
        {webhook.active ? <Badge tone="green">active</Badge> : <Badge tone={webhook.disabled_reason ? 'red' : 'gray'}>{webhook.disabled_reason ? 'disabled' : 'inactive'}</Badge>}
      </div>
      {webhook.disabled_reason && (
        <Alert title="Disabled by the server">
          <span data-testid="disabled-reason">{webhook.disabled_reason}</span> Fix the receiver, then edit the webhook and switch it back to active.
        </Alert>
      )}
      <div className="flex flex-wrap gap-1">
        {all ? <Badge tone="indigo">all events</Badge> : webhook.events.map((e) => <Badge key={e}>{e}</Badge>)}
      </div>
      <p className="text-xs text-slate-500">
        Last delivery {formatDateTime(webhook.last_delivery_at)}
        {webhook.last_status !== null && ` (HTTP ${webhook.last_status})`}
        {webhook.consecutive_failures > 0 && ` · ${webhook.consecutive_failures} consecutive failures`}
      </p>
      <div className="flex flex-wrap gap-2">
        <Button size="sm" variant="secondary" onClick={() => test.mutate()} loading={test.isPending} aria-label={`Send test event to ${webhook.url}`}>
          Send test event
        </Button>
        <Button size="sm" variant="secondary" onClick={onEdit} aria-label={`Edit ${webhook.url}`}>
          Edit
        </Button>
        <Button size="sm" variant="secondary" onClick={() => setConfirm('rotate')} aria-label={`Rotate secret of ${webhook.url}`}>
          Rotate secret
        </Button>
        <Button size="sm" variant="ghost" aria-expanded={showDeliveries} onClick={() => setShowDeliveries((s) => !s)} aria-label={`Deliveries of ${webhook.url}`}>
          {showDeliveries ? 'Hide deliveries' : 'Deliveries'}
        </Button>
        <Button size="sm" variant="ghost" onClick={() => setConfirm('delete')} aria-label={`Delete ${webhook.url}`}>
          Delete
        </Button>
      </div>
      {test.isSuccess && <TestOutcome delivery={test.data} />}
      {test.isError && <Alert>{errorMessage(test.error)}</Alert>}
      {showDeliveries && <DeliveriesTable projectId={projectId} webhookId={webhook.id} />}
      <ConfirmDialog
        open={confirm === 'rotate'}
        title="Rotate signing secret"
        confirmLabel="Rotate secret"
        tone="danger"
        pending={rotate.isPending}
        error={rotate.error}
        onCancel={() => setConfirm(null)}
        onConfirm={() => rotate.mutate()}
      >
        <p>Deliveries are signed with a new secret from now on; the receiver must be updated with it. The old secret stops verifying at once.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === 'delete'}
        title="Delete webhook"
        confirmLabel="Delete webhook"
        tone="danger"
        pending={remove.isPending}
        error={remove.error}
        onCancel={() => setConfirm(null)}
        onConfirm={() => remove.mutate()}
      >
        <p>
          Delete the webhook to <span className="font-mono break-all">{webhook.url}</span>? Pending deliveries are dropped.
        </p>
      </ConfirmDialog>
    </li>
  );
}
