/**
 * Evaluations over the generated client (docs/evaluations.md): the list, one evaluation, create,
 * cancel and retry-errors. Shared by the list, the form, the live run header, the detail page and
 * the prompt pages (latest pass rate per version), so invalidating `evaluationKeys.all` refreshes
 * every view.
 */
import { queryOptions } from '@tanstack/react-query';
import { evaluationsCancel, evaluationsCreate, evaluationsGet, evaluationsList, evaluationsRetryErrors } from './generated/sdk.gen';
import type { Evaluation, EvaluationCreate, Progress } from './generated/types.gen';

export type { Evaluation, EvaluationCreate, Progress };
export type EvaluationStatus = Evaluation['status'];

export const EVALUATION_STATUSES: readonly EvaluationStatus[] = ['queued', 'running', 'completed', 'failed', 'cancelled'];
export const EVALUATIONS_PAGE_SIZE = 25;

export interface EvaluationFilters {
  status?: EvaluationStatus | null;
  prompt?: string | null;
}

export const evaluationKeys = {
  all: (projectId: string) => ['projects', projectId, 'evaluations'] as const,
  lists: (projectId: string) => ['projects', projectId, 'evaluations', 'list'] as const,
  list: (projectId: string, filters: EvaluationFilters, cursor: string | null, limit: number) =>
    ['projects', projectId, 'evaluations', 'list', { status: filters.status ?? null, prompt: filters.prompt ?? null, cursor, limit }] as const,
  detail: (projectId: string, id: string) => ['projects', projectId, 'evaluations', 'detail', id] as const,
};

/** Queued and running evaluations may still change; the others are final (until retry-errors). */
export const isActive = (status: EvaluationStatus) => status === 'queued' || status === 'running';

export const evaluationsPageQueryOptions = (projectId: string, filters: EvaluationFilters, cursor: string | null, limit = EVALUATIONS_PAGE_SIZE) =>
  queryOptions({
    queryKey: evaluationKeys.list(projectId, filters, cursor, limit),
    queryFn: async ({ signal }) =>
      (
        await evaluationsList({
          signal,
          path: { project_id: projectId },
          query: { status: filters.status ?? undefined, prompt: filters.prompt || undefined, cursor: cursor ?? undefined, limit },
          throwOnError: true,
        })
      ).data,
    placeholderData: (previous) => previous,
  });

export const evaluationQueryOptions = (projectId: string, id: string) =>
  queryOptions({
    queryKey: evaluationKeys.detail(projectId, id),
    queryFn: async ({ signal }) => (await evaluationsGet({ signal, path: { project_id: projectId, evaluation_id: id }, throwOnError: true })).data,
  });

export const createEvaluation = async (projectId: string, body: EvaluationCreate) =>
  (await evaluationsCreate({ path: { project_id: projectId }, body, throwOnError: true })).data;

export const cancelEvaluation = async (projectId: string, id: string) =>
  (await evaluationsCancel({ path: { project_id: projectId, evaluation_id: id }, throwOnError: true })).data;

export const retryEvaluationErrors = async (projectId: string, id: string) =>
  (await evaluationsRetryErrors({ path: { project_id: projectId, evaluation_id: id }, throwOnError: true })).data;

/** A variant's pass rate from its summary (written when the run ends); null before. */
export function variantPassRate(variant: Evaluation['variants'][number]): number | null {
  const rate = variant.summary?.pass_rate;
  return typeof rate === 'number' ? rate : null;
}

export interface VersionRate {
  passRate: number;
  evaluationId: string;
  evaluationName: string;
  passThreshold: number;
}

/**
 * The latest evaluation pass rate of each version of `prompt`, from evaluations listed newest
 * first: the first variant (in that order) running the version with a summary wins. Evaluations
 * without a summary yet (queued, running) are passed over.
 */
export function latestPassRates(evaluations: readonly Evaluation[], prompt: string): Map<number, VersionRate> {
  const rates = new Map<number, VersionRate>();
  for (const evaluation of evaluations) {
    for (const variant of evaluation.variants) {
      const rate = variant.summary?.pass_rate;
      if (variant.prompt.name !== prompt || typeof rate !== 'number' || rates.has(variant.prompt.version)) continue;
      rates.set(variant.prompt.version, { passRate: rate, evaluationId: evaluation.id, evaluationName: evaluation.name, passThreshold: evaluation.pass_threshold });
    }
  }
  return rates;
}
