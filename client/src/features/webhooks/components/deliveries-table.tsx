/** A webhook's deliveries, newest first: outcome, HTTP code, timing, retries, the answer's start; redeliver. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { errorMessage } from '@/api/api-error';
import { Alert } from '@/components/alert';
import { Badge } from '@/components/badge';
import { Button } from '@/components/button';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { formatDateTime } from '@/lib/format';
import { toast } from '@/stores/toast-store';
import { deliveriesQueryOptions, redeliver, webhookKeys, type Delivery, type DeliveryStatus } from '../api/webhooks-api';

const DELIVERY_TONE: Record<DeliveryStatus, 'gray' | 'green' | 'red' | 'amber'> = {
  pending: 'gray',
  succeeded: 'green',
  failed: 'red',
  retrying: 'amber',
};

export function DeliveryBadge({ delivery }: { delivery: Delivery }) {
  return (
    <Badge tone={DELIVERY_TONE[delivery.status]} title={delivery.error ?? undefined}>
      {delivery.status}
    </Badge>
  );
}

export function DeliveriesTable({ projectId, webhookId }: { projectId: string; webhookId: string }) {
  const queryClient = useQueryClient();
  const deliveries = useQuery(deliveriesQueryOptions(projectId, webhookId));
  const [open, setOpen] = useState<string | null>(null);
  const again = useMutation({
    mutationFn: (d: Delivery) => redeliver(projectId, webhookId, d.id),
    onSuccess: async () => {
      toast('Redelivery queued.');
      await queryClient.invalidateQueries({ queryKey: webhookKeys.all(projectId) });
    },
  });

  if (deliveries.isPending) return <LoadingState label="Loading deliveries…" />;
  if (deliveries.isError) return <ErrorState error={deliveries.error} onRetry={() => void deliveries.refetch()} />;
  if (deliveries.data.items.length === 0) return <EmptyState title="No deliveries yet">Events sent to this webhook are listed here.</EmptyState>;
  return (
    <div className="space-y-2">
      {again.isError && <Alert>{errorMessage(again.error)}</Alert>}
      <div className="relative overflow-x-auto rounded-md ring-1 ring-slate-200">
        <table aria-label="Deliveries" className="min-w-full divide-y divide-slate-200 text-xs">
          <thead className="bg-slate-50 text-left font-semibold tracking-wide text-slate-600 uppercase">
            <tr>
              <th scope="col" className="px-3 py-2">Event</th>
              <th scope="col" className="px-3 py-2">Status</th>
              <th scope="col" className="px-3 py-2 text-right">HTTP</th>
              <th scope="col" className="px-3 py-2 text-right">Duration</th>
              <th scope="col" className="px-3 py-2 text-right">Attempt</th>
              <th scope="col" className="px-3 py-2">Next retry</th>
              <th scope="col" className="px-3 py-2">Created</th>
              <th scope="col" className="px-3 py-2"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {deliveries.data.items.map((d) => (
              <Fragment key={d.id}>
                <tr data-testid={`delivery-${d.id}`}>
                  <td className="px-3 py-2 font-mono whitespace-nowrap">{d.event_type}</td>
                  <td className="px-3 py-2">
                    <DeliveryBadge delivery={d} />
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{d.status_code ?? '—'}</td>
                  <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">{d.duration_ms !== null ? `${d.duration_ms} ms` : '—'}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{d.attempt}</td>
                  <td className="px-3 py-2 whitespace-nowrap text-slate-500">{formatDateTime(d.next_attempt_at)}</td>
                  <td className="px-3 py-2 whitespace-nowrap text-slate-500">{formatDateTime(d.created_at)}</td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    <Button size="sm" variant="ghost" aria-expanded={open === d.id} onClick={() => setOpen(open === d.id ? null : d.id)} aria-label={`Details of delivery ${d.id}`}>
                      Details
                    </Button>
                    <Button size="sm" variant="ghost" loading={again.isPending && again.variables?.id === d.id} onClick={() => again.mutate(d)} aria-label={`Redeliver ${d.event_type} (${d.id})`}>
                      Redeliver
                    </Button>
                  </td>
                </tr>
                {open === d.id && (
                  <tr>
                    <td colSpan={8} className="bg-slate-50 px-3 py-2">
                      <p className="text-slate-600">
                        Event id <code className="font-mono break-all">{d.event_id}</code>
                        {d.delivered_at && <> · delivered {formatDateTime(d.delivered_at)}</>}
                      </p>
                      {d.error && <p className="mt-1 text-red-700">{d.error}</p>}
                      <pre className="mt-1 max-h-48 overflow-auto rounded bg-white p-2 font-mono whitespace-pre-wrap break-all ring-1 ring-slate-200">
                        {d.response_excerpt || '(empty response body)'}
                      </pre>
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
