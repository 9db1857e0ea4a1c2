import { useQuery } from '@tanstack/react-query';
import { evaluationsPageQueryOptions, latestPassRates, type VersionRate } from '@/api/evaluation-queries';

/** The latest evaluation pass rate per version of a prompt, from its 100 most recent evaluations. */
export function useVersionPassRates(projectId: string, prompt: string): Map<number, VersionRate> {
  const page = useQuery(evaluationsPageQueryOptions(projectId, { prompt }, null, 100));
  return page.data ? latestPassRates(page.data.items, prompt) : new Map<number, VersionRate>();
}
