import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '@/components/button';
import { TextField } from '@/components/form-field';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { useScope, useWorkspaceRole } from '@/hooks/use-scope';
import { formatDateTime } from '@/lib/format';
import { roleAtLeast } from '@/lib/roles';
import { auditLogQueryOptions, type AuditFilters } from '../api/workspaces-api';

export function AuditLogPage() {
  const { workspaceId } = useScope();
  const role = useWorkspaceRole(workspaceId);
  const [draft, setDraft] = useState<AuditFilters>({ action: '', actor: '' });
  const [filters, setFilters] = useState<AuditFilters>({ action: '', actor: '' });
  const log = useInfiniteQuery({ ...auditLogQueryOptions(workspaceId, filters), enabled: roleAtLeast(role, 'admin') });
  const filtered = Boolean(filters.action || filters.actor);

  if (role && !roleAtLeast(role, 'admin')) {
    return <EmptyState title="Admins only">The audit log is visible to workspace admins and owners.</EmptyState>;
  }
  const events = log.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="audit-heading" className="space-y-4">
      <h2 id="audit-heading" className="text-lg font-semibold">
        Audit log
      </h2>
      <form
        className="flex flex-wrap items-end gap-2"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters({ action: draft.action.trim(), actor: draft.actor.trim() });
        }}
      >
        <TextField
          label="Action"
          placeholder="e.g. member. or prompt.label"
          value={draft.action}
          onChange={(e) => setDraft((d) => ({ ...d, action: e.target.value }))}
          containerClassName="w-56"
        />
        <TextField
          label="Actor"
          placeholder="email or key name"
          value={draft.actor}
          onChange={(e) => setDraft((d) => ({ ...d, actor: e.target.value }))}
          containerClassName="w-56"
        />
        <Button type="submit" variant="secondary">
          Filter
        </Button>
        {filtered && (
          <Button
            variant="ghost"
            onClick={() => {
              setDraft({ action: '', actor: '' });
              setFilters({ action: '', actor: '' });
            }}
          >
            Clear filter
          </Button>
        )}
      </form>
      {log.isPending ? (
        <LoadingState />
      ) : log.isError ? (
        <ErrorState error={log.error} onRetry={() => void log.refetch()} />
      ) : events.length === 0 ? (
        <EmptyState title="No events">{filtered ? 'Nothing matches these filters.' : 'Changes in this workspace will appear here.'}</EmptyState>
      ) : (
        <div className="relative overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-600 uppercase">
              <tr>
                <th scope="col" className="px-4 py-2">When</th>
                <th scope="col" className="px-4 py-2">Actor</th>
                <th scope="col" className="px-4 py-2">Action</th>
                <th scope="col" className="px-4 py-2">Target</th>
                <th scope="col" className="px-4 py-2">Details</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {events.map((event) => (
                <tr key={event.id} className="align-top">
                  <td className="px-4 py-2 whitespace-nowrap text-slate-500">{formatDateTime(event.created_at)}</td>
                  <td className="px-4 py-2">{event.actor_label}</td>
                  <td className="px-4 py-2 font-mono text-xs">{event.action}</td>
                  <td className="px-4 py-2 text-xs">
                    {event.target_type} <span className="font-mono text-slate-500">{event.target_id}</span>
                  </td>
                  <td className="max-w-md px-4 py-2">
                    <code className="block truncate text-xs text-slate-600" title={JSON.stringify(event.data)}>
                      {JSON.stringify(event.data)}
                    </code>
                    {event.ip && <span className="text-xs text-slate-400">from {event.ip}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {log.hasNextPage && (
        <Button variant="secondary" onClick={() => void log.fetchNextPage()} loading={log.isFetchingNextPage}>
          Load more
        </Button>
      )}
    </section>
  );
}
