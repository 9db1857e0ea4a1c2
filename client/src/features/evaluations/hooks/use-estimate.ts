/**
 * The estimate of the evaluation being set up (`POST .../evaluations/estimate`), asked again a
 * moment after the form stops changing and only when the browser finds nothing missing.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { EvaluationCreate } from '@/api/evaluation-queries';
import { evaluationsEstimate } from '@/api/generated/sdk.gen';

const DEBOUNCE_MS = 500;

export function useEstimate(projectId: string, body: EvaluationCreate | null) {
  const text = body ? JSON.stringify({ ...body, name: 'estimate' }) : null;
  const [settled, setSettled] = useState(text);
  useEffect(() => {
    const id = window.setTimeout(() => setSettled(text), DEBOUNCE_MS);
    return () => window.clearTimeout(id);
  }, [text]);
  return useQuery({
    queryKey: ['projects', projectId, 'evaluations', 'estimate', settled],
    queryFn: async ({ signal }) =>
      (await evaluationsEstimate({ signal, path: { project_id: projectId }, body: JSON.parse(settled ?? '{}') as EvaluationCreate, throwOnError: true })).data,
    enabled: settled !== null,
    retry: false,
    staleTime: 30_000,
    placeholderData: (previous) => previous,
  });
}
