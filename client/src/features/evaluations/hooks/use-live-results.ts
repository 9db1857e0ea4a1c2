/**
 * Keep the results matrix current while the run writes: when `evaluation.progress` (or the run's
 * end) arrives for this evaluation, refetch the result pages loaded, at most once per REFRESH_MS
 * however fast the events come, so no timer runs while nothing happens. The evaluation itself
 * (progress, summary) is kept current by the run header's `useLiveEvaluation`. After a reconnect
 * (`onLive`) the same refetch catches up on events the socket missed.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useProjectEvents } from '@/hooks/use-project-events';
import { evaluationReadKeys } from '../api/evaluation-results-api';
import { isEvaluationEvent } from '../lib/live-evaluation';

const REFRESH_MS = 750;

export function useLiveResults(projectId: string, evaluationId: string): void {
  const queryClient = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  // The first confirmation comes right after the page's own first fetch: nothing to catch up on.
  const subscribedBefore = useRef(false);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  const refresh = () => {
    if (timer.current) return; // a refetch is already due: it will see this event's writes too
    timer.current = setTimeout(() => {
      timer.current = null;
      void queryClient.invalidateQueries({ queryKey: evaluationReadKeys.results(projectId, evaluationId), exact: true });
    }, REFRESH_MS);
  };
  useProjectEvents(projectId, {
    onEvent: (event) => {
      if (isEvaluationEvent(event) && event.data.id === evaluationId) refresh();
    },
    onLive: () => {
      if (subscribedBefore.current) refresh();
      subscribedBefore.current = true;
    },
  });
}
