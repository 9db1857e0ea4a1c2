import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { cancelEvaluation, evaluationKeys, isActive, retryEvaluationErrors, type Evaluation } from '@/api/evaluation-queries';
import type { LiveState } from '@/api/project-events';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorState, LoadingState } from '@/components/states';
import { useScope, useWorkspaceRole } from '@/hooks/use-scope';
import { formatDateTime, formatRate } from '@/lib/format';
import { paths } from '@/lib/paths';
import { roleAtLeast } from '@/lib/roles';
import { toast } from '@/stores/toast-store';
import { errorMessage } from '@/api/api-error';
import { useLiveEvaluation, useNow } from '../hooks/use-live-evaluation';
import { elapsedMs, formatElapsed, fractionDone } from '../lib/live-evaluation';
import { StatusBadge, VerdictBadge } from './status-badge';

const n = (value: number) => value.toLocaleString();

/**
 * The top of an evaluation's page: name, status and verdict, a live progress bar (done/total),
 * passed/failed/errors so far, elapsed time, and for editors Cancel (while it runs) and Retry
 * errors (once it ended with errors or cells left). Follows the run through live events.
 */
export function EvaluationRunHeader({ evaluationId }: { evaluationId: string }) {
  const { workspaceId, projectId } = useScope();
  const canWrite = roleAtLeast(useWorkspaceRole(workspaceId), 'editor');
  const { query, live } = useLiveEvaluation(projectId, evaluationId);
  if (query.isPending) return <LoadingState label="Loading evaluation…" />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  return <RunHeaderView evaluation={query.data} live={live} canWrite={canWrite} projectId={projectId} workspaceId={workspaceId} />;
}

function LiveIndicator({ state }: { state: LiveState }) {
  if (state === 'live')
    return (
      <span className="inline-flex items-center gap-1 text-xs text-emerald-700">
        <span aria-hidden="true" className="size-2 rounded-full bg-emerald-500" /> Live
      </span>
    );
  return (
    <span className="inline-flex items-center gap-1 text-xs text-amber-700" title="Live updates are reconnecting; the page refreshes every few seconds meanwhile">
      <span aria-hidden="true" className="size-2 rounded-full bg-amber-500" /> Reconnecting…
    </span>
  );
}

interface ViewProps {
  evaluation: Evaluation;
  live: LiveState;
  canWrite: boolean;
  projectId: string;
  workspaceId: string;
}

function RunHeaderView({ evaluation, live, canWrite, projectId, workspaceId }: ViewProps) {
  const queryClient = useQueryClient();
  const [confirmCancel, setConfirmCancel] = useState(false);
  const active = isActive(evaluation.status);
  const now = useNow(active);
  const { progress } = evaluation;
  const percent = Math.floor(fractionDone(progress) * 100);
  const key = evaluationKeys.detail(projectId, evaluation.id);

  const onChanged = (next: Evaluation) => {
    queryClient.setQueryData(key, next);
    void queryClient.invalidateQueries({ queryKey: evaluationKeys.lists(projectId) });
  };
  const cancel = useMutation({
    mutationFn: () => cancelEvaluation(projectId, evaluation.id),
    onSuccess: (next) => {
      onChanged(next);
      setConfirmCancel(false);
      toast('Evaluation cancelled; finished results are kept.');
    },
  });
  const retry = useMutation({
    mutationFn: () => retryEvaluationErrors(projectId, evaluation.id),
    onSuccess: (next) => {
      onChanged(next);
      toast('Retrying the errors and the cells left.');
    },
    onError: (error) => toast(errorMessage(error), 'error'),
  });
  const canRetry = !active && (progress.errors > 0 || (evaluation.status !== 'completed' && progress.done < progress.total));

  return (
    <section aria-label="Evaluation run" className="mb-6 space-y-3 rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h1 className="truncate text-xl font-semibold text-slate-900">{evaluation.name}</h1>
          <p className="mt-1 text-sm text-slate-500">
            <Link className="font-mono text-indigo-700 hover:underline" to={paths.dataset(workspaceId, projectId, evaluation.dataset.name)}>
              {evaluation.dataset.name}
            </Link>{' '}
            v{evaluation.dataset.version} · {evaluation.variants.length} variant{evaluation.variants.length === 1 ? '' : 's'} · pass threshold{' '}
            {formatRate(evaluation.pass_threshold)} · by {evaluation.created_by}, {formatDateTime(evaluation.created_at)}
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <StatusBadge status={evaluation.status} />
          <VerdictBadge passed={evaluation.passed} />
          {active && <LiveIndicator state={live} />}
          {canWrite && active && (
            <Button variant="danger" size="sm" onClick={() => setConfirmCancel(true)}>
              Cancel evaluation
            </Button>
          )}
          {canWrite && canRetry && (
            <Button variant="secondary" size="sm" loading={retry.isPending} onClick={() => retry.mutate()}>
              Retry errors
            </Button>
          )}
        </div>
      </div>
      <div
        role="progressbar"
        aria-label="Evaluation progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${n(progress.done)} of ${n(progress.total)} results`}
        className="flex h-2.5 overflow-hidden rounded-full bg-slate-100"
      >
        {/* Stacked: passed, failed and errors in their share of the total. */}
        {(['passed', 'failed', 'errors'] as const).map((part) => (
          <div
            key={part}
            className={part === 'passed' ? 'bg-emerald-500 transition-all' : part === 'failed' ? 'bg-red-500 transition-all' : 'bg-amber-400 transition-all'}
            style={{ width: `${progress.total > 0 ? (100 * progress[part]) / progress.total : 0}%` }}
          />
        ))}
      </div>
      <dl aria-label="Progress counts" className="grid grid-cols-2 gap-2 text-sm sm:grid-cols-5">
        <Count label="Done" testId="eval-done" value={`${n(progress.done)} / ${n(progress.total)}`} extra={`${percent}%`} />
        <Count label="Passed" testId="eval-passed" value={n(progress.passed)} tone="text-emerald-700" />
        <Count label="Failed" testId="eval-failed" value={n(progress.failed)} tone={progress.failed > 0 ? 'text-red-700' : undefined} />
        <Count label="Errors" testId="eval-errors" value={n(progress.errors)} tone={progress.errors > 0 ? 'text-amber-700' : undefined} />
        <Count label="Elapsed" testId="eval-elapsed" value={formatElapsed(elapsedMs(evaluation, now))} />
      </dl>
      {evaluation.status === 'failed' && evaluation.message && <Alert title="The run failed.">{evaluation.message}</Alert>}
      {evaluation.status === 'cancelled' && <Alert tone="warning">Cancelled: the results finished before the cancel are kept{canWrite ? '; “Retry errors” runs the cells left' : ''}.</Alert>}
      <ConfirmDialog
        open={confirmCancel}
        title="Cancel this evaluation?"
        confirmLabel="Cancel evaluation"
        tone="danger"
        pending={cancel.isPending}
        error={cancel.error}
        onConfirm={() => cancel.mutate()}
        onCancel={() => {
          setConfirmCancel(false);
          cancel.reset();
        }}
      >
        Calls in flight are abandoned; the {n(progress.done)} results already written are kept, and the evaluation has no verdict.
      </ConfirmDialog>
    </section>
  );
}

function Count({ label, value, extra, tone, testId }: { label: string; value: string; extra?: string; tone?: string; testId: string }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className={`font-semibold tabular-nums ${tone ?? 'text-slate-900'}`} data-testid={testId}>
        {value}
        {extra && <span className="ml-1 text-xs font-normal text-slate-500">{extra}</span>}
      </dd>
    </div>
  );
}
