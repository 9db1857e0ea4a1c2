/**
 * Playground runs: list with filters and read on the generated SDK; create streamed as
 * server-sent events, read with fetch + ReadableStream through `apiFetch` (the generated client
 * would buffer the body), so it carries the CSRF header and gets the same refresh-on-401 policy.
 */
import { infiniteQueryOptions } from '@tanstack/react-query';
import { ApiError, toApiError } from '@/api/api-error';
import { runsGet, runsList } from '@/api/generated/sdk.gen';
import type { Run, RunCreate, RunParams, Version } from '@/api/generated/types.gen';
import { apiFetch, apiUrl } from '@/api/http';
import { readSse } from '../lib/sse-parser';

export type { Run, RunCreate, RunParams };

export type Template = Version['template'];
export type RunStatus = Run['status'];
export type RunSource = Run['source'];

export interface RunFilters {
  prompt: string;
  /** '' = runs of every source */
  source?: RunSource | '';
}

export const runKeys = {
  all: (projectId: string) => ['projects', projectId, 'runs'] as const,
  list: (projectId: string, filters: RunFilters) => ['projects', projectId, 'runs', 'list', filters] as const,
};

export const runsInfiniteQueryOptions = (projectId: string, filters: RunFilters) =>
  infiniteQueryOptions({
    queryKey: runKeys.list(projectId, filters),
    queryFn: async ({ signal, pageParam }) =>
      (await runsList({ signal, path: { project_id: projectId }, query: { prompt: filters.prompt || undefined, source: filters.source || undefined, cursor: pageParam, limit: 20 }, throwOnError: true })).data,
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });

export const getRun = async (projectId: string, runId: string, signal?: AbortSignal) =>
  (await runsGet({ signal, path: { project_id: projectId, run_id: runId }, throwOnError: true })).data;

export interface StreamHandlers {
  /** Called with each piece of text as the model produces it. */
  onDelta?: (text: string) => void;
  /** Called once the server accepted the run (its id is known before the first token). */
  onStart?: (start: { id: string; model: string }) => void;
  signal?: AbortSignal;
}

/**
 * POST a run with `stream: true` and relay its events; resolves with the stored run (also when
 * the provider failed mid-stream: then `status` is `failed` and `error` says why). Throws an
 * ApiError when the run is refused before streaming (4xx/5xx problem+json) or the stream breaks.
 */
export async function streamRun(projectId: string, body: RunCreate, { onDelta, onStart, signal }: StreamHandlers = {}): Promise<Run> {
  let response: Response;
  try {
    response = await apiFetch(apiUrl(`/projects/${projectId}/runs`), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream, application/problem+json' },
      body: JSON.stringify({ ...body, stream: true }),
      signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw networkError();
  }
  const type = response.headers.get('content-type') ?? '';
  if (!response.ok) {
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      // plain text error body
    }
    throw toApiError(response.status, parsed, response.statusText);
  }
  // A server that answered JSON instead of a stream still gave us the stored run.
  if (!type.includes('text/event-stream')) {
    const run = (await response.json()) as Run;
    if (run.output) onDelta?.(run.output);
    return run;
  }
  if (!response.body) throw networkError();
  let finalRun: Run | null = null;
  try {
    for await (const event of readSse(response.body, signal)) {
      const data = parseJson(event.data);
      if (event.event === 'delta') {
        const text = (data as { text?: unknown } | null)?.text;
        if (typeof text === 'string') onDelta?.(text);
      } else if (event.event === 'start') {
        onStart?.(data as { id: string; model: string });
      } else if (event.event === 'run') {
        finalRun = data as Run;
      } else if (event.event === 'error') {
        const info = (data ?? {}) as { code?: string; message?: string };
        throw new ApiError({ type: 'about:blank', title: 'Run failed', status: 502, detail: info.message ?? 'The run failed.', code: info.code ?? 'run_failed' });
      }
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (signal?.aborted) throw new DOMException('Aborted', 'AbortError');
    throw networkError('The stream was interrupted before the run finished.');
  }
  if (!finalRun) throw networkError('The stream ended before the run was stored.');
  return finalRun;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function networkError(detail = 'The server could not be reached. Check your connection and try again.'): ApiError {
  return new ApiError({ type: 'about:blank', title: 'Network error', status: 0, detail, code: 'network_error' });
}
