/**
 * Playground runs: create (JSON or streamed as server-sent events), list with filters, read.
 * Hand-written on the http wrapper following server/src/promptforge/runs/schemas.py until the
 * runs routes are in the committed openapi.json; the stream is read with fetch + ReadableStream
 * through `apiFetch`, so it carries the CSRF header and gets the same refresh-on-401 policy.
 */
import { infiniteQueryOptions } from '@tanstack/react-query';
import { ApiError, toApiError } from '@/api/api-error';
import { apiFetch, apiRequest, apiUrl, type Page } from '@/api/http';
import type { Version } from '@/api/generated/types.gen';
import { readSse } from '../lib/sse-parser';

export type Template = Version['template'];
export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface RunParams {
  temperature?: number;
  max_tokens?: number;
  top_p?: number;
  stop?: string[];
  seed?: number;
}

export interface RunCreate {
  prompt?: { name: string; label?: string; version?: number };
  template?: Template;
  kind?: 'text' | 'chat';
  variables: Record<string, unknown>;
  provider_id: string;
  model?: string;
  params?: RunParams;
  stream?: boolean;
}

export interface Run {
  id: string;
  project_id: string;
  status: RunStatus;
  prompt: { name: string; version: number } | null;
  kind: 'text' | 'chat';
  provider_id: string | null;
  provider_name: string;
  provider_kind: string;
  model: string;
  params: Record<string, unknown>;
  variables: Record<string, unknown>;
  output: string | null;
  usage: { input_tokens: number | null; output_tokens: number | null };
  cost_usd: number | null;
  latency_ms: number | null;
  time_to_first_token_ms: number | null;
  error: { code: string; message: string } | null;
  stream: boolean;
  created_by: string;
  created_at: string;
  finished_at: string | null;
}

export interface RunFilters {
  prompt: string;
}

export const runKeys = {
  all: (projectId: string) => ['projects', projectId, 'runs'] as const,
  list: (projectId: string, filters: RunFilters) => ['projects', projectId, 'runs', 'list', filters] as const,
};

export const runsInfiniteQueryOptions = (projectId: string, filters: RunFilters) =>
  infiniteQueryOptions({
    queryKey: runKeys.list(projectId, filters),
    queryFn: ({ signal, pageParam }) =>
      apiRequest<Page<Run>>(`/projects/${projectId}/runs`, { query: { prompt: filters.prompt || undefined, cursor: pageParam, limit: 20 }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });

export const getRun = (projectId: string, runId: string, signal?: AbortSignal) => apiRequest<Run>(`/projects/${projectId}/runs/${runId}`, { signal });

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
