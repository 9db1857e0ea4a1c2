import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { datasetsQueryOptions } from '@/api/dataset-queries';
import { Button } from '@/components/button';
import { TextField } from '@/components/form-field';
import { PageHeader } from '@/components/page-header';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { useScope, useWorkspaceRole } from '@/hooks/use-scope';
import { formatDateTime } from '@/lib/format';
import { paths } from '@/lib/paths';
import { roleAtLeast } from '@/lib/roles';
import { CreateDatasetDialog } from './create-dataset-dialog';

/** The project's datasets: a table, a search, and (for editors) "New dataset". */
export function DatasetsListPage() {
  const { workspaceId, projectId } = useScope();
  const role = useWorkspaceRole(workspaceId);
  const canWrite = roleAtLeast(role, 'editor');
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [search, setSearch] = useState(q);
  const [createOpen, setCreateOpen] = useState(false);
  const datasets = useQuery(datasetsQueryOptions(projectId, q));

  useEffect(() => {
    const id = window.setTimeout(() => {
      if (search !== q) setParams(search ? { q: search } : {}, { replace: true });
    }, 250);
    return () => window.clearTimeout(id);
  }, [search, q, setParams]);

  const newButton = canWrite && <Button onClick={() => setCreateOpen(true)}>New dataset</Button>;
  return (
    <div>
      <PageHeader title="Datasets" description="Test cases for your prompts: input variables, expected outputs and notes, versioned on every change." actions={newButton} />
      <div className="mb-4" role="search">
        <TextField label="Search datasets" type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Name or description" containerClassName="max-w-md" />
      </div>
      {datasets.isPending ? (
        <LoadingState />
      ) : datasets.isError ? (
        <ErrorState error={datasets.error} onRetry={() => void datasets.refetch()} />
      ) : datasets.data.items.length === 0 ? (
        q ? (
          <EmptyState title="No datasets match">Try another search.</EmptyState>
        ) : (
          <EmptyState
            title="No datasets yet"
            action={
              canWrite && (
                <Button variant="secondary" onClick={() => setCreateOpen(true)}>
                  Create the first dataset
                </Button>
              )
            }
          >
            A dataset holds the inputs (and expected outputs) an evaluation runs a prompt over. Add items by hand, upload a CSV/JSONL file, or save playground runs.
          </EmptyState>
        )
      ) : (
        <div className="relative overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
          <table aria-label="Datasets" className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-600 uppercase">
              <tr>
                <th scope="col" className="px-4 py-2">Name</th>
                <th scope="col" className="px-4 py-2">Description</th>
                <th scope="col" className="px-4 py-2 text-right">Items</th>
                <th scope="col" className="px-4 py-2 text-right">Version</th>
                <th scope="col" className="px-4 py-2">Updated</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {datasets.data.items.map((d) => (
                <tr key={d.id} className="hover:bg-slate-50">
                  <td className="px-4 py-2.5 whitespace-nowrap">
                    <Link to={paths.dataset(workspaceId, projectId, d.name)} className="font-mono font-semibold text-indigo-700 hover:underline">
                      {d.name}
                    </Link>
                  </td>
                  <td className="max-w-md truncate px-4 py-2.5 text-slate-600" title={d.description}>
                    {d.description || <span className="text-slate-400">—</span>}
                  </td>
                  <td className="px-4 py-2.5 text-right tabular-nums">{d.item_count.toLocaleString()}</td>
                  <td className="px-4 py-2.5 text-right tabular-nums">v{d.version}</td>
                  <td className="px-4 py-2.5 whitespace-nowrap text-slate-500">{formatDateTime(d.updated_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {datasets.data.next_cursor && <p className="border-t border-slate-100 px-4 py-2 text-xs text-slate-500">Showing the 100 most recent datasets; search to find the others.</p>}
        </div>
      )}
      <CreateDatasetDialog
        projectId={projectId}
        open={createOpen}
        onClose={() => setCreateOpen(false)}
        onCreated={(dataset) => {
          setCreateOpen(false);
          void navigate(paths.dataset(workspaceId, projectId, dataset.name));
        }}
      />
    </div>
  );
}
