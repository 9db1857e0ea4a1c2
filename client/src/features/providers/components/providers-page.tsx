import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '@/api/api-error';
import { PROVIDER_KIND_LABELS, PROVIDER_KINDS, providerKeys, providersQueryOptions, type Provider, type ProviderKind } from '@/api/provider-queries';
import { Alert } from '@/components/alert';
import { Badge } from '@/components/badge';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { SelectField, TextField } from '@/components/form-field';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { useScope, useWorkspaceRole } from '@/hooks/use-scope';
import { serverFieldErrors, type FieldErrors } from '@/lib/field-errors';
import { formatDateTime } from '@/lib/format';
import { roleAtLeast } from '@/lib/roles';
import { toast } from '@/stores/toast-store';
import { checkProviderForm, createProvider, deleteProvider, testProvider, type ProviderTestResult } from '../api/providers-api';

const EMPTY_FORM = { name: '', kind: 'echo' as ProviderKind, baseUrl: '', apiKey: '', defaultModel: '', models: '' };

const BASE_URL_HINT: Record<ProviderKind, string> = {
  echo: '',
  openai: 'Optional; defaults to https://api.openai.com/v1.',
  anthropic: 'Optional; defaults to https://api.anthropic.com.',
  openai_compatible: 'e.g. http://localhost:11434/v1 (Ollama) or http://localhost:8000/v1 (vLLM).',
};

/** Settings → Providers: the project's LLM connections (admins), with a connection test. */
export function ProvidersPage() {
  const { workspaceId, projectId } = useScope();
  const role = useWorkspaceRole(workspaceId);
  const canManage = roleAtLeast(role, 'admin');
  const queryClient = useQueryClient();
  const providers = useQuery({ ...providersQueryOptions(projectId), enabled: canManage });
  const [form, setForm] = useState(EMPTY_FORM);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [deleting, setDeleting] = useState<Provider | null>(null);
  const [results, setResults] = useState<Record<string, ProviderTestResult | { error: string }>>({});

  const invalidate = () => queryClient.invalidateQueries({ queryKey: providerKeys.all(projectId) });
  const create = useMutation({
    mutationFn: () => {
      const needsUrl = form.kind !== 'echo';
      return createProvider(projectId, {
        name: form.name.trim(),
        kind: form.kind,
        base_url: needsUrl && form.baseUrl.trim() ? form.baseUrl.trim() : null,
        api_key: needsUrl && form.apiKey ? form.apiKey : null,
        default_model: form.kind !== 'echo' && form.defaultModel.trim() ? form.defaultModel.trim() : null,
        models: form.kind === 'echo' ? [] : form.models.split(',').map((m) => m.trim()).filter(Boolean),
      });
    },
    onSuccess: async (provider) => {
      toast(`Provider ${provider.name} connected.`);
      setForm((f) => ({ ...EMPTY_FORM, kind: f.kind })); // the key is cleared, never kept in the page
      setErrors({});
      await invalidate();
    },
    onError: (error) => setErrors(serverFieldErrors(error)),
  });
  const remove = useMutation({
    mutationFn: (providerId: string) => deleteProvider(projectId, providerId),
    onSuccess: async () => {
      toast('Provider deleted.');
      setDeleting(null);
      await invalidate();
    },
  });
  const check = useMutation({
    mutationFn: (providerId: string) => testProvider(projectId, providerId),
    onSuccess: (result, providerId) => setResults((all) => ({ ...all, [providerId]: result })),
    onError: (error, providerId) => setResults((all) => ({ ...all, [providerId]: { error: errorMessage(error) } })),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = checkProviderForm(form);
    setErrors(found);
    if (Object.keys(found).length === 0) create.mutate();
  };
  const set = (key: keyof typeof EMPTY_FORM, value: string) => setForm((f) => ({ ...f, [key]: value }));

  if (role && !canManage) {
    return <EmptyState title="Admins only">Provider connections are managed by workspace admins and owners.</EmptyState>;
  }
  const isEcho = form.kind === 'echo';
  return (
    <section aria-labelledby="providers-heading" className="space-y-6">
      <h2 id="providers-heading" className="text-lg font-semibold">
        Providers
      </h2>
      <p className="text-sm text-slate-600">
        LLM connections the playground runs prompts against. API keys are encrypted at rest; only their last 4 characters are shown.
      </p>

      <form onSubmit={submit} noValidate aria-label="Connect a provider" className="grid gap-3 rounded-lg bg-white p-4 ring-1 ring-slate-200 md:grid-cols-2">
        <TextField label="Provider name" value={form.name} onChange={(e) => set('name', e.target.value)} error={errors.name} autoComplete="off" />
        <SelectField
          label="Kind"
          value={form.kind}
          onChange={(e) => set('kind', e.target.value)}
          options={PROVIDER_KINDS.map((k) => ({ value: k, label: PROVIDER_KIND_LABELS[k] }))}
          error={errors.kind}
          hint={isEcho ? 'Returns the rendered prompt without calling any model: for trying templates at no cost.' : undefined}
        />
        {!isEcho && (
          <>
            <TextField label="Base URL" type="url" value={form.baseUrl} onChange={(e) => set('baseUrl', e.target.value)} error={errors.base_url} hint={BASE_URL_HINT[form.kind]} autoComplete="off" />
            <TextField
              label="API key"
              type="password"
              value={form.apiKey}
              onChange={(e) => set('apiKey', e.target.value)}
              error={errors.api_key}
              hint={form.kind === 'openai_compatible' ? 'Optional for local servers.' : 'Stored encrypted; never shown again.'}
              autoComplete="new-password"
            />
            <TextField label="Default model" value={form.defaultModel} onChange={(e) => set('defaultModel', e.target.value)} error={errors.default_model} autoComplete="off" />
            <TextField label="Models (comma-separated)" value={form.models} onChange={(e) => set('models', e.target.value)} error={errors.models} hint="Offered in the playground's model field." autoComplete="off" />
          </>
        )}
        <div className="flex items-end md:col-span-2">
          <Button type="submit" loading={create.isPending}>
            Connect provider
          </Button>
        </div>
        {create.isError && Object.keys(errors).length === 0 && (
          <div className="md:col-span-2">
            <Alert>{errorMessage(create.error)}</Alert>
          </div>
        )}
      </form>

      {providers.isPending ? (
        <LoadingState label="Loading providers…" />
      ) : providers.isError ? (
        <ErrorState error={providers.error} onRetry={() => void providers.refetch()} />
      ) : providers.data.items.length === 0 ? (
        <EmptyState title="No providers yet">Connect one above; the Echo provider needs no key and costs nothing.</EmptyState>
      ) : (
        <ul aria-label="Provider connections" className="space-y-3">
          {providers.data.items.map((provider) => {
            const result = results[provider.id];
            const testing = check.isPending && check.variables === provider.id;
            return (
              <li key={provider.id} aria-label={provider.name} className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
                <div className="flex flex-wrap items-start justify-between gap-3">
                  <div className="min-w-0 space-y-1">
                    <p className="flex flex-wrap items-center gap-2 font-medium text-slate-900">
                      {provider.name}
                      <Badge tone={provider.kind === 'echo' ? 'amber' : 'indigo'}>{PROVIDER_KIND_LABELS[provider.kind] ?? provider.label}</Badge>
                    </p>
                    <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs text-slate-600">
                      {provider.base_url && (
                        <>
                          <dt>Base URL</dt>
                          <dd className="truncate font-mono">{provider.base_url}</dd>
                        </>
                      )}
                      {provider.kind !== 'echo' && (
                        <>
                          <dt>API key</dt>
                          <dd className="font-mono">{provider.api_key_last4 ? `••••${provider.api_key_last4}` : 'none'}</dd>
                        </>
                      )}
                      {provider.default_model && (
                        <>
                          <dt>Default model</dt>
                          <dd className="font-mono">{provider.default_model}</dd>
                        </>
                      )}
                      <dt>Added</dt>
                      <dd>{formatDateTime(provider.created_at)}</dd>
                    </dl>
                  </div>
                  <div className="flex gap-2">
                    <Button variant="secondary" size="sm" onClick={() => check.mutate(provider.id)} loading={testing} aria-label={`Test connection of ${provider.name}`}>
                      Test connection
                    </Button>
                    <Button variant="ghost" size="sm" onClick={() => setDeleting(provider)} aria-label={`Delete ${provider.name}`}>
                      Delete
                    </Button>
                  </div>
                </div>
                {result && (
                  <div className="mt-3">
                    {'ok' in result && result.ok ? (
                      <Alert tone="success" title={`Connected in ${result.latency_ms} ms`}>
                        {result.models && result.models.length > 0 ? (
                          <>
                            Models: <span className="font-mono text-xs">{result.models.join(', ')}</span>
                          </>
                        ) : (
                          'This provider does not list its models.'
                        )}
                      </Alert>
                    ) : (
                      <Alert title="Connection failed">{'ok' in result ? (result.error?.message ?? 'The provider did not answer.') : result.error}</Alert>
                    )}
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}

      <ConfirmDialog
        open={deleting !== null}
        title="Delete provider"
        confirmLabel="Delete provider"
        tone="danger"
        pending={remove.isPending}
        error={remove.error}
        onCancel={() => {
          setDeleting(null);
          remove.reset();
        }}
        onConfirm={() => deleting && remove.mutate(deleting.id)}
      >
        <p>
          Delete <strong>{deleting?.name}</strong>? Its stored API key is erased; past runs stay in the history.
        </p>
      </ConfirmDialog>
    </section>
  );
}
