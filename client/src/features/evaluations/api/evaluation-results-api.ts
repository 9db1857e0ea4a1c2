/**
 * Reading one evaluation beyond `@/api/evaluation-queries` (the evaluation itself): its results in cursor pages, the
 * comparison with another, the evaluations to compare with, and the CSV / JUnit download URLs.
 * Keys live under `['projects', p, 'evaluations']`, so invalidating that refreshes every view.
 */
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { apiUrl } from '@/api/http';
import { evaluationsCompare, evaluationsList, evaluationsResults } from '@/api/generated/sdk.gen';
import type { Comparison, Evaluation, Result } from '@/api/generated/types.gen';

export type { Comparison, Evaluation, Result };

/** Results per page: the API's maximum, so a matrix of 8 variants shows 12 items a page. */
export const RESULTS_PAGE_SIZE = 100;

export const evaluationReadKeys = {
  all: (projectId: string) => ['projects', projectId, 'evaluations'] as const,
  results: (projectId: string, id: string) => ['projects', projectId, 'evaluations', 'detail', id, 'results'] as const,
  compare: (projectId: string, id: string, against: string) => ['projects', projectId, 'evaluations', 'detail', id, 'compare', against] as const,
  recent: (projectId: string) => ['projects', projectId, 'evaluations', 'recent'] as const,
};

const at = (projectId: string, id: string) => ({ project_id: projectId, evaluation_id: id });

/** Every result page loaded so far; a refetch reloads them in order with fresh cursors, so no gap opens while a run writes. */
export const resultPagesQueryOptions = (projectId: string, id: string) =>
  infiniteQueryOptions({
    queryKey: evaluationReadKeys.results(projectId, id),
    queryFn: async ({ signal, pageParam }) =>
      (await evaluationsResults({ signal, path: at(projectId, id), query: { limit: RESULTS_PAGE_SIZE, cursor: pageParam ?? undefined }, throwOnError: true }))
        .data,
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor ?? null,
  });

export const comparisonQueryOptions = (projectId: string, id: string, against: string) =>
  queryOptions({
    queryKey: evaluationReadKeys.compare(projectId, id, against),
    queryFn: async ({ signal }) => (await evaluationsCompare({ signal, path: at(projectId, id), query: { against }, throwOnError: true })).data,
  });

/** The project's latest evaluations (newest first), to pick one to compare with. */
export const recentEvaluationsQueryOptions = (projectId: string) =>
  queryOptions({
    queryKey: evaluationReadKeys.recent(projectId),
    queryFn: async ({ signal }) => (await evaluationsList({ signal, path: { project_id: projectId }, query: { limit: 100 }, throwOnError: true })).data,
  });

/** A plain link downloads the file: the session cookie authenticates a same-origin GET. */
export function resultsDownloadUrl(projectId: string, id: string, format: 'csv' | 'junit'): string {
  return apiUrl(`/projects/${projectId}/evaluations/${id}/results`, { format });
}
