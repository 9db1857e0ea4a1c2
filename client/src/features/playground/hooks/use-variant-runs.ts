/**
 * Runs every variant at once, each on its own stream, and keeps per-variant state: the text so
 * far, then the stored run (tokens, cost, latency, time to first token) or the error. Stopping
 * aborts the requests (the server stores those runs as cancelled).
 */
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '@/api/api-error';
import { runKeys, streamRun, type Run, type RunCreate } from '../api/runs-api';

export type VariantRunStatus = 'streaming' | 'completed' | 'failed' | 'cancelled';

export interface VariantRun {
  status: VariantRunStatus;
  output: string;
  run: Run | null;
  error: string | null;
}

export function useVariantRuns(projectId: string) {
  const queryClient = useQueryClient();
  const [runs, setRuns] = useState<Record<string, VariantRun>>({});
  const controllers = useRef(new Map<string, AbortController>());
  const running = Object.values(runs).some((r) => r.status === 'streaming');

  const update = useCallback((id: string, change: (current: VariantRun) => VariantRun) => {
    setRuns((all) => {
      const current = all[id];
      return current ? { ...all, [id]: change(current) } : all;
    });
  }, []);

  const start = useCallback(
    async (requests: { id: string; body: RunCreate }[]) => {
      for (const controller of controllers.current.values()) controller.abort();
      controllers.current.clear();
      setRuns(Object.fromEntries(requests.map(({ id }) => [id, { status: 'streaming', output: '', run: null, error: null } satisfies VariantRun])));
      await Promise.allSettled(
        requests.map(async ({ id, body }) => {
          const controller = new AbortController();
          controllers.current.set(id, controller);
          try {
            const run = await streamRun(projectId, body, {
              signal: controller.signal,
              onDelta: (text) => update(id, (r) => ({ ...r, output: r.output + text })),
            });
            update(id, (r) => ({
              status: run.status === 'completed' ? 'completed' : run.status === 'cancelled' ? 'cancelled' : 'failed',
              output: run.output ?? r.output,
              run,
              error: run.error?.message ?? null,
            }));
          } catch (error) {
            const aborted = error instanceof DOMException && error.name === 'AbortError';
            update(id, (r) => ({ ...r, status: aborted ? 'cancelled' : 'failed', error: aborted ? 'Stopped.' : errorMessage(error) }));
          } finally {
            if (controllers.current.get(id) === controller) controllers.current.delete(id);
          }
        }),
      );
      await queryClient.invalidateQueries({ queryKey: runKeys.all(projectId) });
    },
    [projectId, queryClient, update],
  );

  const stop = useCallback(() => {
    for (const controller of controllers.current.values()) controller.abort();
  }, []);

  const clear = useCallback((id: string) => {
    setRuns((all) => {
      const rest = { ...all };
      delete rest[id];
      return rest;
    });
  }, []);

  // Leaving the page stops the streams.
  useEffect(() => {
    const active = controllers.current;
    return () => {
      for (const controller of active.values()) controller.abort();
    };
  }, []);

  return { runs, running, start, stop, clear };
}
