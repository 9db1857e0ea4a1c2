/** The project's deployments (gated label moves): pending first, with approve / reject for admins. */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { DEPLOYMENT_STATUSES, deploymentsQueryOptions, type Deployment, type DeploymentStatus } from '@/api/deploy-queries';
import { meQueryOptions } from '@/api/session-queries';
import { Badge } from '@/components/badge';
import { Button } from '@/components/button';
import { SelectField } from '@/components/form-field';
import { PageHeader } from '@/components/page-header';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { useScope, useWorkspaceRole } from '@/hooks/use-scope';
import { cn } from '@/lib/cn';
import { formatDateTime } from '@/lib/format';
import { paths } from '@/lib/paths';
import { roleAtLeast } from '@/lib/roles';
import { DecisionDialog, type Decision } from './decision-dialog';

const STATUS_TONE: Record<DeploymentStatus, 'gray' | 'indigo' | 'green' | 'red' | 'amber'> = {
  pending: 'amber',
  approved: 'green',
  deployed: 'green',
  rejected: 'red',
  superseded: 'gray',
};

const FILTERS = [{ value: '', label: 'All (pending first)' }, ...DEPLOYMENT_STATUSES.map((s) => ({ value: s, label: s[0]!.toUpperCase() + s.slice(1) }))];

const OWN_REQUEST_HINT = 'Another admin must approve';

function DeploymentRow({
  deployment,
  highlighted,
  canDecide,
  ownRequest,
  onDecide,
}: {
  deployment: Deployment;
  highlighted: boolean;
  canDecide: boolean;
  ownRequest: boolean;
  onDecide: (d: Deployment, decision: Decision) => void;
}) {
  const { workspaceId, projectId } = useScope();
  const d = deployment;
  return (
    <tr data-testid={`deployment-${d.id}`} className={cn(highlighted && 'bg-indigo-50')} aria-current={highlighted ? 'true' : undefined}>
      <td className="px-3 py-2">
        <Link to={paths.prompt(workspaceId, projectId, d.prompt)} className="font-mono text-indigo-700 hover:underline break-all">
          {d.prompt}
        </Link>
      </td>
      <td className="px-3 py-2 font-mono">{d.label}</td>
      <td className="px-3 py-2 whitespace-nowrap">
        {d.from_version ? `v${d.from_version}` : '—'} → v{d.to_version} {d.rollback && <Badge tone="indigo" title="Back to a version this label had before: the evaluation rule was skipped">rollback</Badge>}
      </td>
      <td className="px-3 py-2 break-all">{d.requested_by}</td>
      <td className="px-3 py-2 whitespace-nowrap text-slate-500">{formatDateTime(d.requested_at)}</td>
      <td className="px-3 py-2">
        {d.evaluation_id ? (
          <Link to={paths.evaluation(workspaceId, projectId, d.evaluation_id)} className="text-indigo-700 hover:underline">
            Evaluation
          </Link>
        ) : (
          <span className="text-slate-400">—</span>
        )}
      </td>
      <td className="px-3 py-2">
        <Badge tone={STATUS_TONE[d.status]}>{d.status}</Badge>
        {d.decided_by && (
          <p className="mt-1 text-xs text-slate-500">
            by {d.decided_by} · {formatDateTime(d.decided_at)}
          </p>
        )}
        {d.comment && <p className="mt-1 max-w-56 text-xs break-words text-slate-600">“{d.comment}”</p>}
      </td>
      <td className="px-3 py-2">
        {d.status === 'pending' && canDecide && (
          <div className="flex flex-col items-start gap-1">
            <div className="flex gap-1">
              <Button size="sm" disabled={ownRequest} onClick={() => onDecide(d, 'approve')} aria-label={`Approve ${d.label} of ${d.prompt} to v${d.to_version}`}>
                Approve
              </Button>
              <Button size="sm" variant="secondary" disabled={ownRequest} onClick={() => onDecide(d, 'reject')} aria-label={`Reject ${d.label} of ${d.prompt} to v${d.to_version}`}>
                Reject
              </Button>
            </div>
            {ownRequest && <p className="text-xs text-slate-500">{OWN_REQUEST_HINT}: you requested this move.</p>}
          </div>
        )}
      </td>
    </tr>
  );
}

export function DeploymentsPage() {
  const { workspaceId, projectId } = useScope();
  const canDecide = roleAtLeast(useWorkspaceRole(workspaceId), 'admin');
  const me = useQuery(meQueryOptions());
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') as DeploymentStatus | null) || null;
  const highlight = params.get('deployment');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const page = useQuery(deploymentsQueryOptions(projectId, status, cursor));
  // Unfiltered, pending ones come first: they are what someone has to act on.
  const pending = useQuery({ ...deploymentsQueryOptions(projectId, 'pending', null, 100), enabled: status === null && cursor === null });
  const [deciding, setDeciding] = useState<{ deployment: Deployment; decision: Decision } | null>(null);

  const rows: Deployment[] = [];
  if (status === null && cursor === null) rows.push(...(pending.data?.items ?? []));
  for (const d of page.data?.items ?? []) if (!(status === null && cursor === null && d.status === 'pending')) rows.push(d);

  const setStatus = (value: string) => {
    setCursors([null]);
    setParams((p) => {
      const next = new URLSearchParams(p);
      if (value) next.set('status', value);
      else next.delete('status');
      return next;
    });
  };

  return (
    <div>
      <PageHeader
        title="Deployments"
        description={
          <>
            Label moves under a deploy gate (see the deploy policy in{' '}
            <Link to={paths.settings(workspaceId, projectId, 'deploy-policy')} className="text-indigo-700 underline">
              settings
            </Link>
            ). A move that needs approval waits here for a second admin or owner.
          </>
        }
      />
      <div className="mb-4 flex flex-wrap items-end gap-3">
        <SelectField label="Status" value={status ?? ''} onChange={(e) => setStatus(e.target.value)} options={FILTERS} containerClassName="w-56 max-w-full" />
      </div>
      {page.isPending ? (
        <LoadingState label="Loading deployments…" />
      ) : page.isError ? (
        <ErrorState error={page.error} onRetry={() => void page.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title="No deployments">{status ? `No ${status} deployments.` : 'Moves of gated labels are listed here.'}</EmptyState>
      ) : (
        <div className="relative overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
          <table aria-label="Deployments" className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-600 uppercase">
              <tr>
                <th scope="col" className="px-3 py-2">Prompt</th>
                <th scope="col" className="px-3 py-2">Label</th>
                <th scope="col" className="px-3 py-2">Version</th>
                <th scope="col" className="px-3 py-2">Requested by</th>
                <th scope="col" className="px-3 py-2">When</th>
                <th scope="col" className="px-3 py-2">Evaluation</th>
                <th scope="col" className="px-3 py-2">Status</th>
                <th scope="col" className="px-3 py-2"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((d) => (
                <DeploymentRow
                  key={d.id}
                  deployment={d}
                  highlighted={d.id === highlight}
                  canDecide={canDecide}
                  ownRequest={d.requested_by_user_id !== null && d.requested_by_user_id === me.data?.user.id}
                  onDecide={(deployment, decision) => setDeciding({ deployment, decision })}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="mt-3 flex gap-2">
        {cursors.length > 1 && (
          <Button variant="secondary" size="sm" onClick={() => setCursors((c) => c.slice(0, -1))}>
            Newer
          </Button>
        )}
        {page.data?.next_cursor && (
          <Button variant="secondary" size="sm" onClick={() => setCursors((c) => [...c, page.data.next_cursor ?? null])}>
            Older
          </Button>
        )}
      </div>
      {deciding && (
        <DecisionDialog
          projectId={projectId}
          deployment={deciding.deployment}
          decision={deciding.decision}
          evaluationHref={(id) => paths.evaluation(workspaceId, projectId, id)}
          onClose={() => setDeciding(null)}
        />
      )}
    </div>
  );
}
