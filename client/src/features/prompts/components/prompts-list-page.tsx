import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { projectQueryOptions } from '@/api/session-queries';
import { Badge } from '@/components/badge';
import { TextField } from '@/components/form-field';
import { PageHeader } from '@/components/page-header';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { useScope, useWorkspaceRole } from '@/hooks/use-scope';
import { formatDateTime } from '@/lib/format';
import { paths } from '@/lib/paths';
import { roleAtLeast } from '@/lib/roles';
import { promptsQueryOptions } from '../api/prompts-api';

export function PromptsListPage() {
  const { workspaceId, projectId } = useScope();
  const role = useWorkspaceRole(workspaceId);
  const project = useQuery(projectQueryOptions(projectId));
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const tag = params.get('tag') ?? '';
  const archived = params.get('archived') === '1';
  const [search, setSearch] = useState(q);
  const prompts = useQuery(promptsQueryOptions(projectId, { q, tag, archived }));

  // Debounce typing into the URL (which drives the query).
  useEffect(() => {
    const id = window.setTimeout(() => {
      if (search !== q) setParams((p) => { const next = new URLSearchParams(p); if (search) next.set('q', search); else next.delete('q'); return next; }, { replace: true });
    }, 250);
    return () => window.clearTimeout(id);
  }, [search, q, setParams]);

  const setTag = (value: string) =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      if (value) next.set('tag', value);
      else next.delete('tag');
      return next;
    });

  const setArchived = (value: boolean) =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      if (value) next.set('archived', '1');
      else next.delete('archived');
      return next;
    });

  const allTags = [...new Set((prompts.data?.items ?? []).flatMap((p) => p.tags).concat(tag ? [tag] : []))].sort();
  const canCreate = roleAtLeast(role, 'editor');
  const protectedLabels = new Set(project.data?.protected_labels ?? []);

  return (
    <div>
      <PageHeader
        title="Prompts"
        description={project.data ? `Versioned prompts of ${project.data.name}.` : undefined}
        actions={
          canCreate && (
            <Link to={paths.newPrompt(workspaceId, projectId)} className="rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500">
              New prompt
            </Link>
          )
        }
      />
      <div className="mb-4 flex flex-wrap items-end gap-3" role="search">
        <TextField label="Search prompts" type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Name or description" containerClassName="min-w-56 flex-1" />
        <div className="space-y-1">
          <label htmlFor="tag-filter" className="block text-sm font-medium text-slate-700">
            Tag
          </label>
          <select id="tag-filter" value={tag} onChange={(e) => setTag(e.target.value)} className="rounded-md border-0 py-2 pr-8 pl-3 text-sm shadow-sm ring-1 ring-slate-300">
            <option value="">All tags</option>
            {allTags.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <label className="flex items-center gap-2 py-2 text-sm text-slate-700">
          <input type="checkbox" checked={archived} onChange={(e) => setArchived(e.target.checked)} className="rounded border-slate-300" />
          Archived
        </label>
      </div>
      {prompts.isPending ? (
        <LoadingState />
      ) : prompts.isError ? (
        <ErrorState error={prompts.error} onRetry={() => void prompts.refetch()} />
      ) : prompts.data.items.length === 0 ? (
        archived ? (
          <EmptyState title="No archived prompts">Archived prompts are listed here and can be restored from their page.</EmptyState>
        ) : q || tag ? (
          <EmptyState title="No prompts match">Try another search or tag.</EmptyState>
        ) : (
          <EmptyState
            title="No prompts yet"
            action={
              canCreate && (
                <Link to={paths.newPrompt(workspaceId, projectId)} className="text-sm font-medium text-indigo-600 hover:underline">
                  Create the first prompt
                </Link>
              )
            }
          >
            Prompts are versioned templates your applications fetch by name and label.
          </EmptyState>
        )
      ) : (
        <ul className="divide-y divide-slate-100 overflow-hidden rounded-lg bg-white ring-1 ring-slate-200" aria-label="Prompts">
          {prompts.data.items.map((prompt) => (
            <li key={prompt.name} className="flex flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3 hover:bg-slate-50">
              <div className="min-w-0 flex-1">
                <Link to={paths.prompt(workspaceId, projectId, prompt.name)} className="font-mono text-sm font-semibold text-indigo-700 hover:underline">
                  {prompt.name}
                </Link>
                {prompt.archived && <span className="ml-2"><Badge>archived</Badge></span>}
                {prompt.description && <p className="truncate text-sm text-slate-500">{prompt.description}</p>}
                {prompt.tags.length > 0 && (
                  <div className="mt-1 flex flex-wrap gap-1">
                    {prompt.tags.map((t) => (
                      <button key={t} type="button" onClick={() => setTag(t)} className="rounded bg-slate-100 px-1.5 text-xs text-slate-600 hover:bg-slate-200" aria-label={`Filter by tag ${t}`}>
                        #{t}
                      </button>
                    ))}
                  </div>
                )}
              </div>
              <div className="flex flex-wrap gap-1">
                <Badge tone="gray">{prompt.kind}</Badge>
                {Object.entries(prompt.labels).map(([label, version]) => (
                  <Badge key={label} tone={protectedLabels.has(label) ? 'amber' : 'indigo'}>
                    {label}: v{version}
                  </Badge>
                ))}
              </div>
              <div className="w-40 text-right text-xs text-slate-500">
                v{prompt.latest_version} · {formatDateTime(prompt.updated_at)}
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
