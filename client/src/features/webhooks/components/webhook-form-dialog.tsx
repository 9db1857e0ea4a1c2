/** Create or edit a webhook: URL, events (or all events), description, and on edit the active switch. */
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '@/api/api-error';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { Dialog } from '@/components/dialog';
import { TextAreaField, TextField } from '@/components/form-field';
import { serverFieldErrors, type FieldErrors } from '@/lib/field-errors';
import { ALL_EVENTS, createWebhook, EVENT_TYPES, updateWebhook, type Webhook, type WebhookCreate, type WebhookWithSecret } from '../api/webhooks-api';

function EventsPicker({ value, onChange, error }: { value: string[]; onChange: (events: string[]) => void; error?: string }) {
  const all = value.includes(ALL_EVENTS);
  const toggle = (event: string, on: boolean) => onChange(on ? [...value.filter((e) => e !== ALL_EVENTS), event] : value.filter((e) => e !== event));
  return (
    <fieldset className="space-y-1" aria-describedby={error ? 'webhook-events-error' : undefined}>
      <legend className="text-sm font-medium text-slate-700">Events</legend>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" className="rounded border-slate-300" checked={all} onChange={(e) => onChange(e.target.checked ? [ALL_EVENTS] : [])} />
        All events (including types added later)
      </label>
      <div className="grid gap-1 pl-6 sm:grid-cols-2">
        {EVENT_TYPES.map((event) => (
          <label key={event} className="flex items-center gap-2 font-mono text-xs">
            <input type="checkbox" className="rounded border-slate-300" disabled={all} checked={all || value.includes(event)} onChange={(e) => toggle(event, e.target.checked)} />
            {event}
          </label>
        ))}
      </div>
      {error && (
        <p id="webhook-events-error" className="text-xs text-red-600">
          {error}
        </p>
      )}
    </fieldset>
  );
}

/** The first message about `events` or one of its items (`events.3`). */
function eventsError(errors: FieldErrors): string | undefined {
  const key = Object.keys(errors).find((k) => k === 'events' || k.startsWith('events.'));
  return key ? errors[key] : undefined;
}

export function WebhookFormDialog({
  projectId,
  webhook,
  onClose,
  onCreated,
  onSaved,
}: {
  projectId: string;
  /** Edit this webhook; create a new one when absent. */
  webhook?: Webhook;
  onClose: () => void;
  onCreated?: (created: WebhookWithSecret) => void;
  onSaved?: (saved: Webhook) => void;
}) {
  const [url, setUrl] = useState(webhook?.url ?? '');
  const [events, setEvents] = useState<string[]>(webhook?.events ?? [ALL_EVENTS]);
  const [description, setDescription] = useState(webhook?.description ?? '');
  const [active, setActive] = useState(webhook?.active ?? true);
  const [errors, setErrors] = useState<FieldErrors>({});
  const save = useMutation({
    mutationFn: async () => {
      const body = { url: url.trim(), events: events as WebhookCreate['events'], description, active };
      if (webhook) return { kind: 'saved', webhook: await updateWebhook(projectId, webhook.id, body) } as const;
      return { kind: 'created', webhook: await createWebhook(projectId, body) } as const;
    },
    onSuccess: (result) => {
      if (result.kind === 'created') onCreated?.(result.webhook);
      else onSaved?.(result.webhook);
    },
    onError: (error) => setErrors(serverFieldErrors(error)),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const local: FieldErrors = {};
    if (!/^https?:\/\/\S+$/i.test(url.trim())) local.url = 'An http:// or https:// URL.';
    if (events.length === 0) local.events = 'Pick at least one event, or all events.';
    if (Object.keys(local).length) return setErrors(local);
    setErrors({});
    save.mutate();
  };
  return (
    <Dialog
      open
      title={webhook ? 'Edit webhook' : 'New webhook'}
      onClose={onClose}
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={save.isPending}>
            Cancel
          </Button>
          <Button type="submit" form="webhook-form" loading={save.isPending}>
            {webhook ? 'Save webhook' : 'Create webhook'}
          </Button>
        </>
      }
    >
      <form id="webhook-form" onSubmit={submit} noValidate className="space-y-3">
        <TextField label="Payload URL" type="url" placeholder="https://example.com/hooks/prompt-forge" value={url} onChange={(e) => setUrl(e.target.value)} error={errors.url} />
        <EventsPicker value={events} onChange={setEvents} error={eventsError(errors)} />
        <TextAreaField label="Description (optional)" rows={2} maxLength={500} value={description} onChange={(e) => setDescription(e.target.value)} error={errors.description} />
        {webhook && (
          <label className="flex items-start gap-2 text-sm">
            <input type="checkbox" className="mt-0.5 rounded border-slate-300" checked={active} onChange={(e) => setActive(e.target.checked)} />
            <span>
              Active
              {webhook.disabled_reason && <span className="block text-xs text-slate-500">Re-activating clears the failure count and the reason it was disabled.</span>}
            </span>
          </label>
        )}
        {save.isError && Object.keys(errors).length === 0 && <Alert>{errorMessage(save.error)}</Alert>}
      </form>
    </Dialog>
  );
}
