import { useQuery } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { isApiError } from '@/api/api-error';
import type { Evaluation } from '@/api/generated/types.gen';
import { Badge } from '@/components/badge';
import { PageHeader } from '@/components/page-header';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { useScope } from '@/hooks/use-scope';
import { formatDateTime } from '@/lib/format';
import { paths } from '@/lib/paths';
import { evaluationQueryOptions } from '@/api/evaluation-queries';
import { comparisonQueryOptions } from './api/evaluation-results-api';
import { ComparisonView } from './components/comparison-view';
import { verdict } from './lib/compare';

function EvaluationLink({ label, evaluation, workspaceId, projectId }: { label: string; evaluation: Evaluation | undefined; workspaceId: string; projectId: string }) {
  if (!evaluation) return <span className="text-slate-400">{label}: …</span>;
  return (
    <span>
      {label}:{' '}
      <Link className="font-medium text-indigo-700 underline" to={paths.evaluation(workspaceId, projectId, evaluation.id)} aria-label={`${label}: ${evaluation.name}`}>
        {evaluation.name}
      </Link>{' '}
      <span className="text-slate-400">({formatDateTime(evaluation.created_at)})</span>
    </span>
  );
}

/**
 * `/evaluations/:id/compare?against=:other`: what changed from `against` (before, the baseline) to
 * `:id` (after). Regressions first, then fixes, then the summary deltas; links back to both.
 */
export function EvaluationComparePage() {
  const { workspaceId, projectId } = useScope();
  const evaluationId = useParams().evaluationId ?? '';
  const against = useSearchParams()[0].get('against') ?? '';
  const after = useQuery(evaluationQueryOptions(projectId, evaluationId));
  const before = useQuery({ ...evaluationQueryOptions(projectId, against), enabled: against !== '' });
  const comparison = useQuery({ ...comparisonQueryOptions(projectId, evaluationId, against), enabled: against !== '' });

  const header = (
    <PageHeader
      title={
        <span className="flex flex-wrap items-center gap-2">
          <Link to={paths.evaluations(workspaceId, projectId)} className="text-slate-400 hover:text-slate-600">
            Evaluations /
          </Link>
          <span>Compare</span>
        </span>
      }
      description={
        <span className="flex flex-col gap-0.5 text-sm">
          <EvaluationLink label="Before" evaluation={before.data} workspaceId={workspaceId} projectId={projectId} />
          <EvaluationLink label="After" evaluation={after.data} workspaceId={workspaceId} projectId={projectId} />
        </span>
      }
    />
  );
  if (against === '') {
    return (
      <div>
        {header}
        <EmptyState title="Nothing to compare with">Pick a baseline evaluation on the evaluation's page (“Compare with”).</EmptyState>
      </div>
    );
  }
  if (comparison.isPending) return <LoadingState label="Comparing…" />;
  if (comparison.isError) {
    const missing = isApiError(comparison.error) && (comparison.error.status === 404 || comparison.error.status === 422);
    return (
      <div>
        {header}
        {missing ? (
          <EmptyState title="Evaluation not found">One of the two evaluations is not in this project.</EmptyState>
        ) : (
          <ErrorState error={comparison.error} onRetry={() => void comparison.refetch()} />
        )}
      </div>
    );
  }
  const c = comparison.data;
  return (
    <div className="space-y-6">
      {header}
      <p className="flex flex-wrap items-center gap-2 text-sm" role="status">
        <Badge tone={c.counts.regressions > 0 ? 'red' : 'green'}>{c.counts.regressions > 0 ? 'Regressed' : 'No regressions'}</Badge>
        <span className="text-slate-700">{verdict(c)}</span>
      </p>
      <ComparisonView comparison={c} />
    </div>
  );
}
