import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '@/api/api-error';
import { Alert } from '@/components/alert';
import { Badge } from '@/components/badge';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { CopyButton } from '@/components/copy-button';
import { Dialog } from '@/components/dialog';
import { SelectField, TextField } from '@/components/form-field';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { useScope, useWorkspaceRole } from '@/hooks/use-scope';
import { serverFieldErrors, validate, type FieldErrors } from '@/lib/field-errors';
import { formatDateTime } from '@/lib/format';
import { roleAtLeast } from '@/lib/roles';
import { toast } from '@/stores/toast-store';
import { apiKeyCreateSchema, apiKeyKeys, apiKeysQueryOptions, createApiKey, revokeApiKey, type ApiKey, type ApiKeyCreated } from '../api/api-keys-api';

export function ApiKeysPage() {
  const { workspaceId, projectId } = useScope();
  const role = useWorkspaceRole(workspaceId);
  const canManage = roleAtLeast(role, 'admin');
  const queryClient = useQueryClient();
  const keys = useQuery({ ...apiKeysQueryOptions(projectId), enabled: canManage });
  const [name, setName] = useState('');
  const [keyRole, setKeyRole] = useState<'viewer' | 'editor'>('viewer');
  const [expires, setExpires] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  const invalidate = () => queryClient.invalidateQueries({ queryKey: apiKeyKeys.list(projectId) });
  const create = useMutation({
    mutationFn: (input: Parameters<typeof createApiKey>[1]) => createApiKey(projectId, input),
    onSuccess: async (key) => {
      setCreated(key);
      setName('');
      setExpires('');
      setErrors({});
      await invalidate();
    },
    onError: (error) => setErrors(serverFieldErrors(error)),
  });
  const revoke = useMutation({
    mutationFn: (keyId: string) => revokeApiKey(projectId, keyId),
    onSuccess: async () => {
      toast('API key revoked.');
      setRevoking(null);
      await invalidate();
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const expiresAt = expires ? new Date(`${expires}T23:59:59`).toISOString() : null;
    const result = validate(apiKeyCreateSchema, { name, role: keyRole, expires_at: expiresAt });
    if (result.errors) return setErrors(result.errors);
    create.mutate(result.data);
  };

  if (role && !canManage) {
    return <EmptyState title="Admins only">API keys are managed by workspace admins and owners.</EmptyState>;
  }
  return (
    <section aria-labelledby="api-keys-heading" className="space-y-6">
      <h2 id="api-keys-heading" className="text-lg font-semibold">
        API keys
      </h2>
      <p className="text-sm text-slate-600">
        Applications and CI use API keys (<code>Authorization: Bearer pf_…</code>) to resolve and render prompts of this project.
        Apps on the Langfuse SDK use a key's public key and secret as <code>LANGFUSE_PUBLIC_KEY</code> / <code>LANGFUSE_SECRET_KEY</code> (see
        docs/langfuse-compat.md).
      </p>
      <form onSubmit={submit} noValidate className="flex flex-wrap items-end gap-3 rounded-lg bg-white p-4 ring-1 ring-slate-200">
        <TextField label="Key name" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} containerClassName="min-w-48 flex-1" />
        <SelectField
          label="Key role"
          value={keyRole}
          onChange={(e) => setKeyRole(e.target.value as 'viewer' | 'editor')}
          options={[
            { value: 'viewer', label: 'Viewer (read, resolve, render)' },
            { value: 'editor', label: 'Editor (also write)' },
          ]}
          error={errors.role}
        />
        <TextField label="Expires on (optional)" type="date" value={expires} onChange={(e) => setExpires(e.target.value)} error={errors.expires_at} />
        <Button type="submit" loading={create.isPending}>
          Create API key
        </Button>
        {create.isError && Object.keys(errors).length === 0 && (
          <div className="w-full">
            <Alert>{errorMessage(create.error)}</Alert>
          </div>
        )}
      </form>

      {keys.isPending ? (
        <LoadingState />
      ) : keys.isError ? (
        <ErrorState error={keys.error} onRetry={() => void keys.refetch()} />
      ) : keys.data.items.length === 0 ? (
        <EmptyState title="No API keys yet">Create one for each application or CI pipeline.</EmptyState>
      ) : (
        <div className="relative overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-600 uppercase">
              <tr>
                <th scope="col" className="px-4 py-2">Name</th>
                <th scope="col" className="px-4 py-2">Key</th>
                <th scope="col" className="px-4 py-2">Public key</th>
                <th scope="col" className="px-4 py-2">Role</th>
                <th scope="col" className="px-4 py-2">Created</th>
                <th scope="col" className="px-4 py-2">Last used</th>
                <th scope="col" className="px-4 py-2">Status</th>
                <th scope="col" className="px-4 py-2"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {keys.data.items.map((key) => {
                const expired = key.expires_at !== null && new Date(key.expires_at) < new Date();
                return (
                  <tr key={key.id}>
                    <td className="px-4 py-2 font-medium">{key.name}</td>
                    <td className="px-4 py-2 font-mono text-xs">{key.prefix}…</td>
                    <td className="px-4 py-2 font-mono text-xs">
                      <span className="inline-flex items-center gap-1">
                        {key.public_key}
                        <CopyButton value={key.public_key} label={`Copy public key of ${key.name}`} />
                      </span>
                    </td>
                    <td className="px-4 py-2 capitalize">{key.role}</td>
                    <td className="px-4 py-2 text-slate-500">{formatDateTime(key.created_at)}</td>
                    <td className="px-4 py-2 text-slate-500">{formatDateTime(key.last_used_at)}</td>
                    <td className="px-4 py-2">
                      {key.revoked_at ? <Badge tone="red">Revoked</Badge> : expired ? <Badge tone="amber">Expired</Badge> : <Badge tone="green">Active</Badge>}
                    </td>
                    <td className="px-4 py-2 text-right">
                      {!key.revoked_at && (
                        <Button variant="ghost" size="sm" onClick={() => setRevoking(key)} aria-label={`Revoke ${key.name}`}>
                          Revoke
                        </Button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      <Dialog
        open={created !== null}
        title="API key created"
        onClose={() => setCreated(null)}
        footer={
          <Button onClick={() => setCreated(null)} data-autofocus>
            Done
          </Button>
        }
      >
        <div className="space-y-3">
          <Alert tone="warning">Copy this key now. It will not be shown again.</Alert>
          <div className="flex items-center gap-2">
            <label htmlFor="new-api-key-secret" className="sr-only">
              API key secret
            </label>
            <input id="new-api-key-secret" readOnly value={created?.secret ?? ''} className="w-full rounded-md bg-slate-100 px-2 py-1.5 font-mono text-xs" onFocus={(e) => e.target.select()} />
            <CopyButton value={created?.secret ?? ''} label="Copy key" />
          </div>
          <p className="text-sm text-slate-600">
            Public key <code className="font-mono text-xs">{created?.public_key}</code>. For apps on the Langfuse SDK, paste these lines into their
            environment:
          </p>
          <div className="flex items-start gap-2">
            <label htmlFor="new-api-key-langfuse-env" className="sr-only">
              Langfuse environment lines
            </label>
            <textarea
              id="new-api-key-langfuse-env"
              readOnly
              rows={3}
              value={created?.langfuse_env ?? ''}
              className="w-full resize-none rounded-md bg-slate-100 px-2 py-1.5 font-mono text-xs"
              onFocus={(e) => e.target.select()}
            />
            <CopyButton value={created?.langfuse_env ?? ''} label="Copy Langfuse lines" />
          </div>
        </div>
      </Dialog>
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke API key"
        confirmLabel="Revoke key"
        tone="danger"
        pending={revoke.isPending}
        error={revoke.error}
        onCancel={() => {
          setRevoking(null);
          revoke.reset();
        }}
        onConfirm={() => revoking && revoke.mutate(revoking.id)}
      >
        <p>
          Revoke <strong>{revoking?.name}</strong>? Applications using it stop working immediately. This cannot be undone.
        </p>
      </ConfirmDialog>
    </section>
  );
}
