/**
 * Keep one evaluation's page current from the project's live events: when `evaluation.progress`
 * (or the run's end: completed, cancelled, failed) arrives for this evaluation, refetch the
 * evaluation (progress, summary) and the result pages loaded, at most once per REFRESH_MS however
 * fast the events come. No timer runs while nothing happens; after a reconnect (`onLive`) the same
 * refetch catches up on events the socket missed.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { LiveState } from '@/api/project-events';
import { useProjectEvents } from '@/hooks/use-project-events';
import { evaluationReadKeys } from '../api/evaluation-results-api';

const REFRESH_MS = 750;
const EVENTS = new Set(['evaluation.progress', 'evaluation.completed', 'evaluation.cancelled', 'evaluation.failed']);

export function useLiveEvaluation(projectId: string, evaluationId: string): LiveState {
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
    if (timer.current) return; // one refetch is already due: it will see this event's writes too
    timer.current = setTimeout(() => {
      timer.current = null;
      void queryClient.invalidateQueries({ queryKey: evaluationReadKeys.detail(projectId, evaluationId), exact: true });
      void queryClient.invalidateQueries({ queryKey: evaluationReadKeys.results(projectId, evaluationId), exact: true });
    }, REFRESH_MS);
  };
  return useProjectEvents(projectId, {
    onEvent: (event) => {
      if (EVENTS.has(event.event) && event.data.id === evaluationId) refresh();
    },
    onLive: () => {
      if (subscribedBefore.current) refresh();
      subscribedBefore.current = true;
    },
  });
}
