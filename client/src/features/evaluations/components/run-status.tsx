/**
 * Until the live run header of the evaluations list/form work (EvaluationRunHeader) is merged in,
 * this shows the run's state: status, progress counts and the verdict. Read-only for everyone.
 */
import type { Evaluation } from '@/api/generated/types.gen';
import { Badge } from '@/components/badge';

const STATUS_TONE = { queued: 'gray', running: 'indigo', completed: 'green', failed: 'red', cancelled: 'amber' } as const;

export function RunStatus({ evaluation }: { evaluation: Evaluation }) {
  const { done, total, passed, failed, errors } = evaluation.progress;
  const percent = total > 0 ? Math.floor((done / total) * 100) : 0;
  return (
    <section aria-label="Run" className="space-y-2 rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <Badge tone={STATUS_TONE[evaluation.status]}>{evaluation.status}</Badge>
        {evaluation.passed !== null && <Badge tone={evaluation.passed ? 'green' : 'red'}>{evaluation.passed ? 'Passed' : 'Did not pass'}</Badge>}
        <span className="tabular-nums text-slate-600">
          {done} / {total} · {passed} passed · {failed} failed · {errors} errors
        </span>
      </div>
      <div role="progressbar" aria-label="Progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} className="h-2 overflow-hidden rounded bg-slate-100">
        <div className="h-full bg-indigo-600" style={{ width: `${percent}%` }} />
      </div>
      {evaluation.message && <p className="text-sm text-red-700">{evaluation.message}</p>}
    </section>
  );
}
