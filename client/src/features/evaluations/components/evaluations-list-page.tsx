import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { EVALUATION_STATUSES, evaluationKeys, evaluationsPageQueryOptions, variantPassRate, type Evaluation, type EvaluationStatus } from '@/api/evaluation-queries';
import { promptsList } from '@/api/generated/sdk.gen';
import type { PageEvaluation } from '@/api/generated/types.gen';
import { Button } from '@/components/button';
import { SelectField } from '@/components/form-field';
import { PageHeader } from '@/components/page-header';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { useProjectEvents } from '@/hooks/use-project-events';
import { useScope, useWorkspaceRole } from '@/hooks/use-scope';
import { formatDateTime, formatRate } from '@/lib/format';
import { paths } from '@/lib/paths';
import { roleAtLeast } from '@/lib/roles';
import { applyEvaluationEvent, isEvaluationEvent, isTerminalEvent } from '../lib/live-evaluation';
import { compareOrder } from '../lib/selection';
import { StatusBadge, VerdictBadge } from './status-badge';

const STATUS_OPTIONS = [{ value: '', label: 'Any status' }, ...EVALUATION_STATUSES.map((s) => ({ value: s, label: s[0]!.toUpperCase() + s.slice(1) }))];

function VariantRates({ evaluation }: { evaluation: Evaluation }) {
  return (
    <ul className="space-y-0.5">
      {evaluation.variants.map((v) => {
        const rate = variantPassRate(v);
        const below = rate !== null && rate < evaluation.pass_threshold;
        return (
          <li key={v.name} className="flex items-baseline justify-between gap-3 whitespace-nowrap">
            <span className="truncate text-slate-700" title={`${v.prompt.name} v${v.prompt.version} on ${v.model}`}>
              {v.name}
            </span>
            <span className={`tabular-nums ${rate === null ? 'text-slate-400' : below ? 'font-medium text-red-700' : 'font-medium text-emerald-700'}`}>{formatRate(rate)}</span>
          </li>
        );
      })}
    </ul>
  );
}

/**
 * The project's evaluations, newest first, in cursor pages; filtered by status and prompt. Rows
 * update live while they run. Select two rows to compare them (the older is the baseline).
 */
export function EvaluationsListPage() {
  const { workspaceId, projectId } = useScope();
  const canWrite = roleAtLeast(useWorkspaceRole(workspaceId), 'editor');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') as EvaluationStatus | null) || null;
  const prompt = params.get('prompt') || null;
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [selected, setSelected] = useState<Evaluation[]>([]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const page = useQuery(evaluationsPageQueryOptions(projectId, { status, prompt }, cursor));
  const prompts = useQuery({
    queryKey: ['projects', projectId, 'prompts', 'evaluation-filter'],
    queryFn: async ({ signal }) => (await promptsList({ signal, path: { project_id: projectId }, query: { limit: 100 }, throwOnError: true })).data,
  });

  useProjectEvents(projectId, {
    onEvent: (event) => {
      if (!isEvaluationEvent(event)) return;
      queryClient.setQueriesData<PageEvaluation>({ queryKey: evaluationKeys.lists(projectId) }, (data) => {
        if (!data) return data;
        let changed = false;
        const items = data.items.map((e) => {
          const next = applyEvaluationEvent(e, event);
          changed ||= next !== e;
          return next;
        });
        return changed ? { ...data, items } : data;
      });
      // The pass rates per variant arrive with the summary.
      if (isTerminalEvent(event)) void queryClient.invalidateQueries({ queryKey: evaluationKeys.lists(projectId) });
    },
    onLive: () => void queryClient.invalidateQueries({ queryKey: evaluationKeys.lists(projectId) }),
  });

  const setFilter = (name: 'status' | 'prompt', value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
    setCursors([null]);
  };
  const toggle = (evaluation: Evaluation) =>
    setSelected((current) => (current.some((e) => e.id === evaluation.id) ? current.filter((e) => e.id !== evaluation.id) : [...current, evaluation].slice(-2)));
  const compare = () => {
    const [after, before] = compareOrder(selected);
    if (after && before) void navigate(paths.compareEvaluations(workspaceId, projectId, after.id, before.id));
  };

  const actions = (
    <>
      <Button variant="secondary" disabled={selected.length !== 2} onClick={compare} title="Select two evaluations to compare them">
        Compare{selected.length > 0 ? ` (${selected.length}/2)` : ''}
      </Button>
      {canWrite && (
        <Link to={paths.newEvaluation(workspaceId, projectId)} className="inline-flex items-center rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500">
          New evaluation
        </Link>
      )}
    </>
  );
  const promptOptions = [{ value: '', label: 'Any prompt' }, ...(prompts.data?.items ?? []).map((p) => ({ value: p.name, label: p.name }))];
  if (prompt && !promptOptions.some((o) => o.value === prompt)) promptOptions.push({ value: prompt, label: prompt });
  const filtered = Boolean(status || prompt);

  return (
    <div>
      <PageHeader title="Evaluations" description="Prompt variants run over a dataset and graded by assertions. Select two to compare them." actions={actions} />
      <div className="mb-4 flex flex-wrap gap-3" role="search" aria-label="Filter evaluations">
        <SelectField label="Status" value={status ?? ''} options={STATUS_OPTIONS} onChange={(e) => setFilter('status', e.target.value)} containerClassName="w-44" />
        <SelectField label="Prompt" value={prompt ?? ''} options={promptOptions} onChange={(e) => setFilter('prompt', e.target.value)} containerClassName="w-56" />
      </div>
      {page.isPending ? (
        <LoadingState />
      ) : page.isError ? (
        <ErrorState error={page.error} onRetry={() => void page.refetch()} />
      ) : page.data.items.length === 0 && cursors.length === 1 ? (
        filtered ? (
          <EmptyState title="No evaluations match">Try another status or prompt.</EmptyState>
        ) : (
          <EmptyState
            title="No evaluations yet"
            action={
              canWrite && (
                <Link to={paths.newEvaluation(workspaceId, projectId)} className="text-sm font-medium text-indigo-700 hover:underline">
                  Set up the first evaluation
                </Link>
              )
            }
          >
            An evaluation runs prompt variants over a dataset and grades every answer with assertions, so you can tell which version is better before deploying it.
          </EmptyState>
        )
      ) : (
        <div className="relative overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
          <table aria-label="Evaluations" className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-600 uppercase">
              <tr>
                <th scope="col" className="w-8 px-3 py-2">
                  <span className="sr-only">Select</span>
                </th>
                <th scope="col" className="px-3 py-2">Name</th>
                <th scope="col" className="px-3 py-2">Status</th>
                <th scope="col" className="px-3 py-2">Pass rate per variant</th>
                <th scope="col" className="px-3 py-2">Dataset</th>
                <th scope="col" className="px-3 py-2 text-right">Results</th>
                <th scope="col" className="px-3 py-2">Created</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {page.data.items.map((e) => {
                const isSelected = selected.some((s) => s.id === e.id);
                return (
                  <tr key={e.id} className={isSelected ? 'bg-indigo-50' : 'hover:bg-slate-50'}>
                    <td className="px-3 py-2.5 align-top">
                      <input type="checkbox" className="size-4" checked={isSelected} onChange={() => toggle(e)} aria-label={`Select ${e.name} to compare`} />
                    </td>
                    <td className="px-3 py-2.5 align-top">
                      <Link to={paths.evaluation(workspaceId, projectId, e.id)} className="font-semibold text-indigo-700 hover:underline">
                        {e.name}
                      </Link>
                    </td>
                    <td className="px-3 py-2.5 align-top whitespace-nowrap">
                      <div className="flex flex-wrap gap-1">
                        <StatusBadge status={e.status} />
                        <VerdictBadge passed={e.passed} />
                      </div>
                    </td>
                    <td className="min-w-48 px-3 py-2.5 align-top">
                      <VariantRates evaluation={e} />
                    </td>
                    <td className="px-3 py-2.5 align-top whitespace-nowrap">
                      <span className="font-mono text-xs">{e.dataset.name}</span> <span className="text-slate-500">v{e.dataset.version}</span>
                    </td>
                    <td className="px-3 py-2.5 text-right align-top whitespace-nowrap tabular-nums" data-testid="list-progress">
                      {e.progress.done.toLocaleString()} / {e.progress.total.toLocaleString()}
                    </td>
                    <td className="px-3 py-2.5 align-top whitespace-nowrap text-slate-500">{formatDateTime(e.created_at)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <div className="flex items-center justify-between gap-2 border-t border-slate-100 px-3 py-2">
            <span className="text-xs text-slate-500">Page {cursors.length}</span>
            <div className="flex gap-2">
              <Button variant="secondary" size="sm" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
                Previous
              </Button>
              <Button variant="secondary" size="sm" disabled={!page.data.next_cursor} onClick={() => setCursors((c) => [...c, page.data.next_cursor ?? null])}>
                Next
              </Button>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
