import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { deployKeys, deployPolicyQueryOptions, gateFailure, pendingDeploymentsQueryOptions, type Deployment, type LabelGate } from '@/api/deploy-queries';
import { Alert } from '@/components/alert';
import { Badge } from '@/components/badge';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { TextField } from '@/components/form-field';
import { GateFailureAlert } from '@/components/gate-failure-alert';
import { ErrorState, LoadingState } from '@/components/states';
import { formatDateTime, formatRate } from '@/lib/format';
import { paths } from '@/lib/paths';
import { roleAtLeast } from '@/lib/roles';
import { toast } from '@/stores/toast-store';
import { deleteLabel, labelHistoryQueryOptions, labelNameMessage, labelNameSchema, moveLabel, promptKeys } from '../api/prompts-api';

const DEFAULT_LABELS = ['production', 'staging'];

/** A label change to confirm: `to` null removes the label. */
interface PendingMove {
  label: string;
  from: number | null;
  to: number | null;
}

function LabelHistory({ projectId, name, label }: { projectId: string; name: string; label: string }) {
  const history = useQuery(labelHistoryQueryOptions(projectId, name, label));
  if (history.isPending) return <LoadingState label="Loading history…" />;
  if (history.isError) return <ErrorState error={history.error} />;
  if (history.data.items.length === 0) return <p className="px-1 py-2 text-xs text-slate-500">Never moved.</p>;
  return (
    <ol className="mt-2 space-y-1 border-l-2 border-slate-200 pl-3 text-xs text-slate-600" aria-label={`History of ${label}`}>
      {history.data.items.map((event, i) => (
        <li key={i}>
          <span className="font-mono">
            {event.from_version ? `v${event.from_version}` : '—'} → {event.to_version ? `v${event.to_version}` : 'removed'}
          </span>{' '}
          by {event.actor_label} · {formatDateTime(event.created_at)}
        </li>
      ))}
    </ol>
  );
}

/** A short description of what moving a gated label needs. */
function gateSummary(gate: LabelGate): string {
  const parts: string[] = [];
  const rule = gate.require_evaluation;
  if (rule) parts.push(`needs an evaluation on ${rule.dataset} with ≥ ${formatRate(rule.min_pass_rate)} passing${rule.max_age_hours ? ` within ${rule.max_age_hours} h` : ''}`);
  if (gate.require_approval) parts.push('needs a second admin to approve');
  if (gate.allow_rollback && rule) parts.push('rollbacks skip the evaluation');
  return parts.length ? `Deploy gate: ${parts.join('; ')}.` : 'Deploy gate: moves are recorded as deployments.';
}

/**
 * Deploy, roll back and remove: move a label to a version (or off the prompt), with a from→to
 * confirmation. Gated labels (the project's deploy policy) carry a badge; a move the gate refuses
 * says why, and one that needs approval shows "Awaiting approval" with a link to the deployment.
 */
export function LabelsPanel({
  workspaceId,
  projectId,
  name,
  labels,
  latest,
  protectedLabels,
  role,
}: {
  workspaceId: string;
  projectId: string;
  name: string;
  labels: Record<string, number>;
  latest: number;
  protectedLabels: string[];
  role: string | undefined;
}) {
  const queryClient = useQueryClient();
  const [targets, setTargets] = useState<Record<string, number>>({});
  const [pending, setPending] = useState<PendingMove | null>(null);
  const [historyOf, setHistoryOf] = useState<string | null>(null);
  const [newLabel, setNewLabel] = useState('');
  const [newLabelError, setNewLabelError] = useState<string>();
  const [requested, setRequested] = useState<Record<string, Deployment>>({});
  const policy = useQuery(deployPolicyQueryOptions(projectId));
  const pendingList = useQuery(pendingDeploymentsQueryOptions(projectId, name));
  const gates = policy.data?.labels ?? {};
  const pendingByLabel: Record<string, Deployment> = {};
  for (const d of pendingList.data?.items ?? []) pendingByLabel[d.label] ??= d;
  // The server's list is the truth once fetched; until then, the move just requested.
  const settled = pendingList.isSuccess && !pendingList.isFetching;
  const awaitingOf = (label: string): Deployment | undefined => (settled ? pendingByLabel[label] : (requested[label] ?? pendingByLabel[label]));

  const canMove = roleAtLeast(role, 'editor');
  const canMoveProtected = roleAtLeast(role, 'admin');
  const isProtected = (label: string) => protectedLabels.includes(label);
  const allowed = (label: string) => (isProtected(label) ? canMoveProtected : canMove);
  const names = [...new Set([...DEFAULT_LABELS, ...protectedLabels, ...Object.keys(labels)])].sort((a, b) => {
    const rank = (l: string) => (l === 'production' ? 0 : l === 'staging' ? 1 : 2);
    return rank(a) - rank(b) || a.localeCompare(b);
  });
  const versions = Array.from({ length: latest }, (_, i) => latest - i);

  const move = useMutation({
    mutationFn: async (m: PendingMove) => {
      if (m.to === null) {
        await deleteLabel(projectId, name, m.label);
        return null;
      }
      const outcome = await moveLabel(projectId, name, m.label, m.to);
      return outcome.kind === 'pending' ? outcome.deployment : null;
    },
    onSuccess: async (deployment, m) => {
      if (deployment) {
        toast(`Awaiting approval: ${m.label} → v${deployment.to_version}.`);
        setRequested((r) => ({ ...r, [m.label]: deployment }));
      } else {
        toast(m.to === null ? `${m.label} removed.` : `${m.label} now points to v${m.to}.`);
        setRequested(({ [m.label]: _done, ...rest }) => rest);
      }
      setTargets(({ [m.label]: _moved, ...rest }) => rest);
      setPending(null);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: deployKeys.all(projectId) }),
        queryClient.invalidateQueries({ queryKey: promptKeys.detail(projectId, name) }),
        queryClient.invalidateQueries({ queryKey: promptKeys.all(projectId) }),
        queryClient.invalidateQueries({ queryKey: promptKeys.labelHistory(projectId, name, m.label) }),
      ]);
    },
  });

  const ask = (label: string, to: number | null) => {
    move.reset();
    setPending({ label, from: labels[label] ?? null, to });
  };

  const addLabel = (event: FormEvent) => {
    event.preventDefault();
    const parsed = labelNameSchema.safeParse(newLabel.trim(), { error: () => labelNameMessage });
    if (!parsed.success) return setNewLabelError(parsed.error.issues[0]?.message);
    if (!allowed(parsed.data)) return setNewLabelError('Only admins and owners can set a protected label.');
    setNewLabelError(undefined);
    ask(parsed.data, latest);
    setNewLabel('');
  };

  const removing = pending !== null && pending.to === null;
  const rollback = pending && pending.from !== null && pending.to !== null && pending.to < pending.from;
  const title = removing ? `Remove label ${pending.label}` : rollback ? `Roll back ${pending?.label}` : `Move ${pending?.label}`;
  return (
    <section aria-labelledby="labels-heading" className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <h2 id="labels-heading" className="text-base font-semibold">
        Labels
      </h2>
      <p className="mt-1 text-xs text-slate-500">Applications resolve a label to a version. Moving it deploys; moving it back rolls back.</p>
      <ul className="mt-3 space-y-3">
        {names.map((label) => {
          const current = labels[label];
          const target = targets[label] ?? latest;
          const may = allowed(label);
          return (
            <li key={label} className="rounded-md border border-slate-200 p-3">
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-mono text-sm font-semibold">{label}</span>
                {isProtected(label) && <Badge tone="amber" title="Only admins and owners can move it">protected</Badge>}
                {gates[label] && (
                  <Badge tone="indigo" title={gateSummary(gates[label])}>
                    gated
                  </Badge>
                )}
                <span className="ml-auto text-sm text-slate-600" data-testid={`label-current-${label}`}>
                  {current ? `v${current}` : 'not set'}
                </span>
              </div>
              <div className="mt-2 flex flex-wrap items-end gap-2">
                <div>
                  <label htmlFor={`target-${label}`} className="sr-only">
                    Version for {label}
                  </label>
                  <select
                    id={`target-${label}`}
                    value={target}
                    disabled={!may}
                    onChange={(e) => setTargets((t) => ({ ...t, [label]: Number(e.target.value) }))}
                    className="rounded-md border-0 py-1 pr-8 pl-2 text-sm ring-1 ring-slate-300 disabled:bg-slate-100"
                  >
                    {versions.map((v) => (
                      <option key={v} value={v}>
                        v{v}
                        {v === latest ? ' (latest)' : ''}
                      </option>
                    ))}
                  </select>
                </div>
                <Button size="sm" variant="secondary" disabled={!may || target === current} onClick={() => ask(label, target)} aria-label={`Move ${label}`}>
                  {current && target < current ? 'Roll back' : 'Move'}
                </Button>
                {current !== undefined && (
                  <Button size="sm" variant="ghost" disabled={!may} onClick={() => ask(label, null)} aria-label={`Remove label ${label}`}>
                    Remove
                  </Button>
                )}
                <Button size="sm" variant="ghost" aria-expanded={historyOf === label} onClick={() => setHistoryOf(historyOf === label ? null : label)} aria-label={`History of ${label}`}>
                  History
                </Button>
              </div>
              {!may && (
                <p className="mt-1 text-xs text-slate-500">{isProtected(label) ? `Only admins and owners can move ${label}.` : 'Editors and above can move labels.'}</p>
              )}
              {gates[label] && <p className="mt-1 text-xs text-slate-500">{gateSummary(gates[label])}</p>}
              {awaitingOf(label) && (
                <div className="mt-2">
                  <Alert tone="info" title="Awaiting approval">
                    <span data-testid={`awaiting-${label}`}>
                      Moving {label} to v{awaitingOf(label)!.to_version} needs a second admin to approve.{' '}
                      <Link className="font-medium underline" to={paths.deployments(workspaceId, projectId, awaitingOf(label)!.id)}>
                        View the deployment
                      </Link>
                    </span>
                  </Alert>
                </div>
              )}
              {historyOf === label && <LabelHistory projectId={projectId} name={name} label={label} />}
            </li>
          );
        })}
      </ul>
      {canMove && (
        <form onSubmit={addLabel} noValidate className="mt-4 flex flex-wrap items-end gap-2">
          <TextField label="New label" value={newLabel} onChange={(e) => setNewLabel(e.target.value)} placeholder="e.g. canary" error={newLabelError} containerClassName="flex-1" />
          <Button type="submit" size="sm" variant="secondary">
            Add label at v{latest}
          </Button>
        </form>
      )}
      <ConfirmDialog
        open={pending !== null}
        title={title}
        confirmLabel={removing ? 'Remove label' : rollback ? 'Roll back' : 'Move label'}
        tone={pending && (removing || isProtected(pending.label)) ? 'danger' : 'primary'}
        pending={move.isPending}
        error={gateFailure(move.error) ? null : move.error}
        onCancel={() => setPending(null)}
        onConfirm={() => pending && move.mutate(pending)}
      >
        {pending && pending.to === null && (
          <p>
            Remove <strong className="font-mono">{pending.label}</strong> from <span className="font-mono">{name}</span> (now{' '}
            <strong data-testid="move-from">{pending.from ? `v${pending.from}` : 'not set'}</strong>)? Applications can no longer resolve
            it until it is set again.
          </p>
        )}
        {pending && pending.to !== null && (
          <p>
            Move <strong className="font-mono">{pending.label}</strong> of <span className="font-mono">{name}</span> from{' '}
            <strong data-testid="move-from">{pending.from ? `v${pending.from}` : 'not set'}</strong> to <strong data-testid="move-to">v{pending.to}</strong>?
            {isProtected(pending.label) && ' Applications using this label will receive the new version at once.'}
            {gates[pending.label]?.require_approval && ' This label requires approval: the move waits for a second admin.'}
          </p>
        )}
        {gateFailure(move.error) && <GateFailureAlert failure={gateFailure(move.error)!} evaluationHref={(id) => paths.evaluation(workspaceId, projectId, id)} />}
      </ConfirmDialog>
    </section>
  );
}
