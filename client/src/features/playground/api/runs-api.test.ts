import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { isApiError } from '@/api/api-error';
import { server } from '@/test/msw-server';
import { PROBLEM_HEADERS, problem } from '@/test/render';
import { streamRun, type RunCreate } from './runs-api';

const PID = '22222222-2222-4222-8222-222222222222';
const body: RunCreate = { template: 'Hi {{ name }}', kind: 'text', variables: { name: 'Ada' }, provider_id: 'p1' };
const storedRun = { id: 'r1', status: 'completed', output: 'Hello Ada', usage: { input_tokens: 3, output_tokens: 2 }, cost_usd: 0.0001, latency_ms: 40, time_to_first_token_ms: 12, error: null };

function sse(events: [string, unknown][]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const [event, data] of events) controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
      controller.close();
    },
  });
}

describe('streamRun', () => {
  it('posts stream: true with the CSRF header, relays deltas and resolves with the stored run', async () => {
    document.cookie = 'pf_csrf=tok123; path=/';
    let sent: { body: unknown; csrf: string | null } | null = null;
    server.use(
      http.post(`*/api/v1/projects/${PID}/runs`, async ({ request }) => {
        sent = { body: await request.json(), csrf: request.headers.get('X-CSRF-Token') };
        return new HttpResponse(
          sse([
            ['start', { id: 'r1', model: 'echo' }],
            ['delta', { text: 'Hello' }],
            ['delta', { text: ' Ada' }],
            ['run', storedRun],
          ]),
          { status: 201, headers: { 'Content-Type': 'text/event-stream' } },
        );
      }),
    );
    const deltas: string[] = [];
    const started: string[] = [];
    const run = await streamRun(PID, body, { onDelta: (t) => deltas.push(t), onStart: (s) => started.push(s.id) });
    expect(sent).toEqual({ body: { ...body, stream: true }, csrf: 'tok123' });
    expect(deltas).toEqual(['Hello', ' Ada']);
    expect(started).toEqual(['r1']);
    expect(run).toMatchObject({ id: 'r1', status: 'completed', output: 'Hello Ada', cost_usd: 0.0001 });
  });

  it('throws the problem+json of a refused run as an ApiError', async () => {
    server.use(
      http.post(`*/api/v1/projects/${PID}/runs`, () =>
        HttpResponse.json(problem(424, 'The provider refused the API key.', [], 'provider_auth_failed'), { status: 424, headers: PROBLEM_HEADERS }),
      ),
    );
    const error = await streamRun(PID, body).catch((e: unknown) => e);
    expect(isApiError(error) && error.status).toBe(424);
    expect(isApiError(error) && error.detail).toBe('The provider refused the API key.');
  });

  it('resolves with a failed run when the provider breaks mid-stream', async () => {
    server.use(
      http.post(`*/api/v1/projects/${PID}/runs`, () =>
        new HttpResponse(
          sse([
            ['delta', { text: 'Hel' }],
            ['run', { ...storedRun, status: 'failed', output: 'Hel', error: { code: 'provider_error', message: 'The provider failed.' } }],
          ]),
          { status: 201, headers: { 'Content-Type': 'text/event-stream' } },
        ),
      ),
    );
    const run = await streamRun(PID, body);
    expect(run.status).toBe('failed');
    expect(run.error?.message).toBe('The provider failed.');
  });

  it('fails clearly when the stream ends without the stored run', async () => {
    server.use(
      http.post(`*/api/v1/projects/${PID}/runs`, () =>
        new HttpResponse(sse([['delta', { text: 'Hel' }]]), { status: 201, headers: { 'Content-Type': 'text/event-stream' } }),
      ),
    );
    await expect(streamRun(PID, body)).rejects.toThrow('The stream ended before the run was stored.');
  });

  it('turns an error event into an ApiError', async () => {
    server.use(
      http.post(`*/api/v1/projects/${PID}/runs`, () =>
        new HttpResponse(sse([['error', { code: 'run_not_stored', message: 'The run could not be stored.' }]]), {
          status: 201,
          headers: { 'Content-Type': 'text/event-stream' },
        }),
      ),
    );
    await expect(streamRun(PID, body)).rejects.toThrow('The run could not be stored.');
  });
});
