import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { isApiError } from '@/api/api-error';
import { datasetKeys, type DatasetItem } from '@/api/dataset-queries';
import { Alert } from '@/components/alert';
import { Badge } from '@/components/badge';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { SelectField } from '@/components/form-field';
import { PageHeader } from '@/components/page-header';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { useScope, useWorkspaceRole } from '@/hooks/use-scope';
import { formatDateTime } from '@/lib/format';
import { paths } from '@/lib/paths';
import { roleAtLeast } from '@/lib/roles';
import { toast } from '@/stores/toast-store';
import { datasetQueryOptions, deleteItem, itemsPageQueryOptions } from '../api/datasets-api';
import { DatasetActions } from './dataset-settings';
import { ExportPanel } from './export-panel';
import { ImportPanel } from './import-panel';
import { ItemEditorDialog } from './item-editor-dialog';
import { ItemsTable } from './items-table';

// The version picker lists this many recent versions; older ones are reachable by `?version=`.
const VERSION_CHOICES = 200;

/** Parse `?version=`: a whole number, or null for the current version. */
function versionParam(raw: string | null): number | null {
  if (raw === null || !/^\d{1,9}$/.test(raw)) return null;
  return Number(raw);
}

/**
 * One dataset: its items page by page at the current or an earlier version (read-only), item
 * add/edit/delete, file upload with live progress, export, description and deletion.
 */
export function DatasetPage() {
  const { workspaceId, projectId } = useScope();
  const name = useParams().datasetName ?? '';
  const role = useWorkspaceRole(workspaceId);
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const dataset = useQuery(datasetQueryOptions(projectId, name));
  const requested = versionParam(params.get('version'));
  const current = dataset.data?.version;
  // `?version=` equal to the current version is just the current version (editable).
  const version = requested !== null && requested !== current ? requested : null;
  const canWrite = roleAtLeast(role, 'editor') && version === null;
  const firstPage = useQuery({ ...itemsPageQueryOptions(projectId, name, null, null), enabled: canWrite });
  const [editing, setEditing] = useState<DatasetItem | 'new' | null>(null);
  const [deleting, setDeleting] = useState<DatasetItem | null>(null);

  const refresh = () => queryClient.invalidateQueries({ queryKey: datasetKeys.all(projectId) });
  const remove = useMutation({
    mutationFn: (item: DatasetItem) => deleteItem(projectId, name, item.id),
    onSuccess: async () => {
      setDeleting(null);
      toast('Item deleted.');
      await refresh();
    },
  });
  const setVersion = (value: string) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (value === '' || Number(value) === current) next.delete('version');
        else next.set('version', value);
        return next;
      },
      { replace: false },
    );

  if (dataset.isPending) return <LoadingState />;
  if (dataset.isError) {
    if (isApiError(dataset.error) && dataset.error.status === 404) {
      return (
        <EmptyState title="Dataset not found" action={<Link className="text-sm font-medium text-indigo-700 underline" to={paths.datasets(workspaceId, projectId)}>All datasets</Link>}>
          There is no dataset named “{name}” in this project.
        </EmptyState>
      );
    }
    return <ErrorState error={dataset.error} onRetry={() => void dataset.refetch()} />;
  }
  const d = dataset.data;
  const versions = Array.from({ length: Math.min(d.version + 1, VERSION_CHOICES) }, (_, i) => d.version - i);
  if (version !== null && !versions.includes(version)) versions.push(version);
  const variables = Object.keys(firstPage.data?.items[0]?.input ?? {});

  return (
    <div className="space-y-6">
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-2">
            <Link to={paths.datasets(workspaceId, projectId)} className="text-slate-400 hover:text-slate-600">
              Datasets /
            </Link>
            <span className="font-mono">{d.name}</span>
          </span>
        }
        description={
          <>
            {d.description ? <p className="whitespace-pre-wrap text-slate-600">{d.description}</p> : <p className="text-slate-400">No description.</p>}
            <p className="mt-1 text-xs">
              {d.item_count.toLocaleString()} item{d.item_count === 1 ? '' : 's'} · version {d.version} · updated {formatDateTime(d.updated_at)}
            </p>
          </>
        }
        actions={canWrite && <DatasetActions projectId={projectId} dataset={d} listPath={paths.datasets(workspaceId, projectId)} />}
      />

      <section aria-labelledby="items-heading" className="space-y-3">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div className="flex flex-wrap items-center gap-3">
            <h2 id="items-heading" className="text-base font-semibold text-slate-900">
              Items
            </h2>
            <Badge tone={version === null ? 'indigo' : 'amber'}>{version === null ? `Viewing version ${d.version} (current)` : `Viewing version ${version}`}</Badge>
          </div>
          <div className="flex flex-wrap items-end gap-2">
            <SelectField
              label="Version"
              value={String(version ?? d.version)}
              onChange={(e) => setVersion(e.target.value)}
              options={versions.map((v) => ({ value: String(v), label: v === d.version ? `v${v} (current)` : `v${v}` }))}
              containerClassName="w-40"
            />
            {canWrite && <Button onClick={() => setEditing('new')}>Add item</Button>}
          </div>
        </div>
        {version !== null && (
          <Alert tone="info">
            You are viewing version {version}, read-only: the items as they were then.{' '}
            <button type="button" className="font-medium underline" onClick={() => setVersion('')}>
              Back to the current version
            </button>
          </Alert>
        )}
        <ItemsTable
          key={version ?? 'current'}
          projectId={projectId}
          datasetName={d.name}
          version={version}
          canWrite={canWrite}
          onEdit={(item) => setEditing(item)}
          onDelete={(item) => setDeleting(item)}
          emptyAction={canWrite && <Button variant="secondary" onClick={() => setEditing('new')}>Add the first item</Button>}
        />
      </section>

      {canWrite && (
        <div className="rounded-lg bg-slate-50 p-4 ring-1 ring-slate-200">
          <ImportPanel projectId={projectId} datasetName={d.name} />
        </div>
      )}
      <div className="rounded-lg bg-slate-50 p-4 ring-1 ring-slate-200">
        <ExportPanel projectId={projectId} datasetName={d.name} />
      </div>

      {editing !== null && (
        <ItemEditorDialog
          projectId={projectId}
          datasetName={d.name}
          item={editing === 'new' ? null : editing}
          variables={variables}
          onClose={() => setEditing(null)}
          onSaved={(message) => {
            setEditing(null);
            toast(message);
            void refresh();
          }}
        />
      )}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this item?"
        confirmLabel="Delete item"
        tone="danger"
        pending={remove.isPending}
        error={remove.error}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onCancel={() => {
          setDeleting(null);
          remove.reset();
        }}
      >
        <p>The dataset gets a new version without it; earlier versions still show it.</p>
      </ConfirmDialog>
    </div>
  );
}
