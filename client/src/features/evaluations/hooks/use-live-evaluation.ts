/**
 * One evaluation kept current by the project's live events: the GET runs on open, after each
 * (re)subscription (events sent while the socket was down are lost) and once the run ends (for
 * the summary); in between, events update the cached evaluation, so there is no polling while the
 * socket is live. Only while it is down does it poll, so the page never freezes on a lost network.
 *
 * It writes into the query cache (`evaluationKeys.detail`), so every view of the evaluation (the
 * run header, the detail page) follows along.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { evaluationKeys, evaluationQueryOptions, isActive, type Evaluation } from '@/api/evaluation-queries';
import { useProjectEvents } from '@/hooks/use-project-events';
import { applyEvaluationEvent, isEvaluationEvent, isTerminalEvent } from '../lib/live-evaluation';

const FALLBACK_POLL_MS = 3000;

export function useLiveEvaluation(projectId: string, evaluationId: string) {
  const queryClient = useQueryClient();
  const key = evaluationKeys.detail(projectId, evaluationId);
  const query = useQuery(evaluationQueryOptions(projectId, evaluationId));

  const live = useProjectEvents(projectId, {
    onEvent: (event) => {
      if (!isEvaluationEvent(event) || event.data.id !== evaluationId) return;
      const current = queryClient.getQueryData<Evaluation>(key);
      if (current) {
        const next = applyEvaluationEvent(current, event);
        if (next !== current) queryClient.setQueryData(key, next);
      }
      if (isTerminalEvent(event)) {
        // The summary, finished_at and the final counters come with the evaluation itself.
        void queryClient.invalidateQueries({ queryKey: key });
        void queryClient.invalidateQueries({ queryKey: evaluationKeys.lists(projectId) });
      }
    },
    onLive: () => {
      // Also when the first GET is still on its way: it may have been read before the subscription.
      const current = queryClient.getQueryData<Evaluation>(key);
      if (!current || isActive(current.status)) void queryClient.invalidateQueries({ queryKey: key });
    },
  });

  const status = query.data?.status;
  useEffect(() => {
    if (live === 'live' || !status || !isActive(status)) return;
    const id = window.setInterval(() => void queryClient.invalidateQueries({ queryKey: evaluationKeys.detail(projectId, evaluationId) }), FALLBACK_POLL_MS);
    return () => window.clearInterval(id);
  }, [live, status, queryClient, projectId, evaluationId]);

  return { query, live };
}

/** A clock that ticks every second while `running`, for elapsed times. */
export function useNow(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const id = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(id);
  }, [running]);
  return now;
}
