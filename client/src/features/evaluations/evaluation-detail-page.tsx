import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { isApiError } from '@/api/api-error';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { useScope } from '@/hooks/use-scope';
import { cn } from '@/lib/cn';
import { paths } from '@/lib/paths';
import { evaluationQueryOptions } from '@/api/evaluation-queries';
import { resultsDownloadUrl } from './api/evaluation-results-api';
import { ComparePicker } from './components/compare-picker';
import { ResultsMatrix } from './components/results-matrix';
import { EvaluationRunHeader } from './components/run-header';
import { useLiveResults } from './hooks/use-live-results';
import { variantSummaries } from './lib/summary';

// recharts is the heaviest part of the page: the matrix shows first, the charts load on demand.
const EvaluationCharts = lazy(async () => ({ default: (await import('./components/evaluation-charts')).EvaluationCharts }));

const TABS = [
  { id: 'results', label: 'Results' },
  { id: 'charts', label: 'Charts' },
] as const;
type Tab = (typeof TABS)[number]['id'];

const downloadClass = 'rounded-md bg-white px-3 py-1.5 text-sm font-medium text-slate-800 shadow-sm ring-1 ring-slate-300 hover:bg-slate-50';

/**
 * One evaluation: the live run header (progress, cancel and retry for editors), then the results matrix or the charts (`?tab=`), the CSV and
 * JUnit downloads and a comparison with another evaluation. Everything here is a read: viewers see
 * the same page; only the run header offers editors its actions.
 */
export function EvaluationDetailPage() {
  const { workspaceId, projectId } = useScope();
  const evaluationId = useParams().evaluationId ?? '';
  const [params, setParams] = useSearchParams();
  const tab: Tab = params.get('tab') === 'charts' ? 'charts' : 'results';
  const evaluation = useQuery(evaluationQueryOptions(projectId, evaluationId));
  useLiveResults(projectId, evaluationId);

  if (evaluation.isPending) return <LoadingState />;
  if (evaluation.isError) {
    if (isApiError(evaluation.error) && (evaluation.error.status === 404 || evaluation.error.status === 422)) {
      return (
        <EmptyState title="Evaluation not found" action={<Link className="text-sm font-medium text-indigo-700 underline" to={paths.evaluations(workspaceId, projectId)}>All evaluations</Link>}>
          There is no such evaluation in this project.
        </EmptyState>
      );
    }
    return <ErrorState error={evaluation.error} onRetry={() => void evaluation.refetch()} />;
  }
  const e = evaluation.data;
  const summaries = variantSummaries(e);
  return (
    <div className="space-y-6">
      <p className="text-sm">
        <Link to={paths.evaluations(workspaceId, projectId)} className="text-indigo-700 hover:underline">
          ← Evaluations
        </Link>
      </p>
      <EvaluationRunHeader key={e.id} evaluationId={e.id} />
      <div className="flex flex-wrap items-end justify-between gap-3">
        <ComparePicker workspaceId={workspaceId} projectId={projectId} evaluationId={e.id} />
        <div className="flex flex-wrap gap-2" role="group" aria-label="Downloads">
          <a className={downloadClass} href={resultsDownloadUrl(projectId, e.id, 'csv')} download>
            Download CSV
          </a>
          <a className={downloadClass} href={resultsDownloadUrl(projectId, e.id, 'junit')} download>
            Download JUnit
          </a>
        </div>
      </div>
      <div role="tablist" aria-label="Views" className="flex gap-1 border-b border-slate-200">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            onClick={() =>
              setParams(
                (current) => {
                  const next = new URLSearchParams(current);
                  if (t.id === 'results') next.delete('tab');
                  else next.set('tab', t.id);
                  return next;
                },
                { replace: true },
              )
            }
            className={cn(
              '-mb-px border-b-2 px-3 py-2 text-sm font-medium',
              tab === t.id ? 'border-indigo-600 text-indigo-700' : 'border-transparent text-slate-500 hover:text-slate-700',
            )}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'results' ? (
          <ResultsMatrix projectId={projectId} evaluation={e} summaries={summaries} />
        ) : (
          <Suspense fallback={<LoadingState label="Loading charts…" />}>
            <EvaluationCharts summaries={summaries} passThreshold={e.pass_threshold} />
          </Suspense>
        )}
      </div>
    </div>
  );
}
