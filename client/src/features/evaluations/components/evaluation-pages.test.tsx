import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse, ws } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { projectEvents } from '@/api/project-events';
import { server } from '@/test/msw-server';
import { PROBLEM_HEADERS, problem, renderRoute } from '@/test/render';
import { EvaluationsListPage } from './evaluations-list-page';
import { NewEvaluationPage } from './new-evaluation-page';
import { EvaluationRunHeader } from './run-header';

const WS = 'ws1';
const PID = '11111111-1111-4111-8111-111111111111';
const BASE = `*/api/v1/projects/${PID}/evaluations`;
const meAs = (role: string) => ({
  user: { id: 'u1', email: 'ada@example.com', display_name: 'Ada', created_at: '2025-01-01T00:00:00Z' },
  memberships: [{ workspace: { id: WS, name: 'Ada', slug: 'ada' }, role }],
});
const variant = (name: string, rate: number | null = null) => ({
  name,
  prompt: { name: 'support', version: 2, label: null },
  provider_id: 'c1',
  provider_name: 'fake',
  model: 'gpt-4o-mini',
  params: {},
  summary: rate === null ? null : { pass_rate: rate },
});
const evaluation = (over: Record<string, unknown> = {}) => ({
  id: 'e1',
  project_id: PID,
  name: 'nightly',
  status: 'running',
  dataset: { id: 'd1', name: 'qa', version: 2 },
  variants: [variant('A'), variant('B')],
  assertions: [],
  grader: null,
  concurrency: 10,
  pass_threshold: 0.8,
  progress: { done: 2, total: 10, passed: 2, failed: 0, errors: 0 },
  passed: null,
  summary: null,
  message: null,
  created_by: 'ada@example.com',
  created_at: '2026-01-01T00:00:00Z',
  started_at: '2026-01-01T00:00:00Z',
  finished_at: null,
  ...over,
});
const live = ws.link(`${window.location.origin.replace(/^http/, 'ws')}/api/v1/ws`);

function liveServer() {
  const clients: { send: (data: string) => void }[] = [];
  server.use(
    live.addEventListener('connection', ({ client }) => {
      clients.push(client);
      client.addEventListener('message', (event) => {
        const message = JSON.parse(String(event.data)) as { type: string; project_id: string };
        if (message.type === 'subscribe') client.send(JSON.stringify({ type: 'subscribed', project_id: message.project_id }));
      });
    }),
  );
  return {
    emit: (name: string, data: Record<string, unknown>) => {
      for (const c of clients) c.send(JSON.stringify({ type: 'event', event: name, project_id: PID, data, at: '2026-01-01T00:00:30Z' }));
    },
  };
}

beforeEach(() => server.use(live.addEventListener('connection', () => {})));
afterEach(() => projectEvents.reset());

describe('EvaluationRunHeader', () => {
  it('follows progress live, then fetches the evaluation once it completes', async () => {
    let gets = 0;
    let completed = false;
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(meAs('editor'))),
      http.get(`${BASE}/e1`, () => {
        gets += 1;
        return HttpResponse.json(
          !completed ? evaluation() : evaluation({ status: 'completed', passed: true, progress: { done: 10, total: 10, passed: 9, failed: 1, errors: 0 }, finished_at: '2026-01-01T00:01:05Z' }),
        );
      }),
    );
    const events = liveServer();
    renderRoute(<EvaluationRunHeader evaluationId="e1" />, { path: '/w/:workspaceId/p/:projectId/evaluations/:id', url: `/w/${WS}/p/${PID}/evaluations/e1` });
    const bar = await screen.findByRole('progressbar', { name: 'Evaluation progress' });
    expect(bar).toHaveAttribute('aria-valuenow', '20');
    expect(await screen.findByText('Live')).toBeInTheDocument();
    // once on open and once when the subscription is confirmed (which may cancel the first)
    await new Promise((resolve) => setTimeout(resolve, 100));
    const before = gets;
    events.emit('evaluation.progress', { id: 'e1', done: 6, total: 10, passed: 5, failed: 1, errors: 0 });
    await waitFor(() => expect(bar).toHaveAttribute('aria-valuenow', '60'));
    expect(screen.getByTestId('eval-done')).toHaveTextContent('6 / 10');
    expect(screen.getByTestId('eval-failed')).toHaveTextContent('1');
    expect(gets).toBe(before); // no GET for progress
    expect(screen.getByRole('button', { name: 'Cancel evaluation' })).toBeInTheDocument();
    completed = true;
    events.emit('evaluation.completed', { id: 'e1', status: 'completed', passed: true, progress: { done: 10, total: 10, passed: 9, failed: 1, errors: 0 } });
    expect(await screen.findByText('✓ Passed')).toBeInTheDocument();
    expect(bar).toHaveAttribute('aria-valuenow', '100');
    await waitFor(() => expect(gets).toBe(before + 1));
    expect(screen.getByTestId('eval-elapsed')).toHaveTextContent('1m 05s');
    expect(screen.queryByRole('button', { name: 'Cancel evaluation' })).not.toBeInTheDocument();
  });

  it('cancels after a confirmation; viewers see no write buttons', async () => {
    const posted: string[] = [];
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(meAs('editor'))),
      http.get(`${BASE}/e1`, () => HttpResponse.json(evaluation())),
      http.post(`${BASE}/e1/cancel`, () => {
        posted.push('cancel');
        return HttpResponse.json(evaluation({ status: 'cancelled', finished_at: '2026-01-01T00:00:10Z', progress: { done: 3, total: 10, passed: 3, failed: 0, errors: 0 } }));
      }),
    );
    renderRoute(<EvaluationRunHeader evaluationId="e1" />, { path: '/w/:workspaceId/p/:projectId/evaluations/:id', url: `/w/${WS}/p/${PID}/evaluations/e1` });
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel evaluation' }));
    const dialog = screen.getByRole('dialog', { name: 'Cancel this evaluation?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel evaluation' }));
    expect(await screen.findByText('Cancelled')).toBeInTheDocument();
    expect(posted).toEqual(['cancel']);
    // cancelled with cells left: editors may run them
    expect(screen.getByRole('button', { name: 'Retry errors' })).toBeInTheDocument();
  });

  it('shows viewers the run without buttons', async () => {
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(meAs('viewer'))),
      http.get(`${BASE}/e1`, () => HttpResponse.json(evaluation({ status: 'failed', message: 'The job queue was unreachable.', finished_at: '2026-01-01T00:00:10Z', progress: { done: 2, total: 10, passed: 1, failed: 0, errors: 1 } }))),
    );
    renderRoute(<EvaluationRunHeader evaluationId="e1" />, { path: '/w/:workspaceId/p/:projectId/evaluations/:id', url: `/w/${WS}/p/${PID}/evaluations/e1` });
    expect(await screen.findByText('The job queue was unreachable.')).toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });
});

describe('EvaluationsListPage', () => {
  it('lists pass rates per variant, filters by status and compares two selected rows', async () => {
    const asked: string[] = [];
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(meAs('viewer'))),
      http.get(`*/api/v1/projects/${PID}/prompts`, () => HttpResponse.json({ items: [], next_cursor: null })),
      http.get(BASE, ({ request }) => {
        asked.push(new URL(request.url).search);
        return HttpResponse.json({
          items: [
            evaluation({ id: 'new', name: 'today', status: 'completed', passed: false, created_at: '2026-01-02T00:00:00Z', variants: [variant('A', 0.75), variant('B', 0.9)] }),
            evaluation({ id: 'old', name: 'yesterday', status: 'completed', passed: true, created_at: '2026-01-01T00:00:00Z', variants: [variant('A', 1)] }),
          ],
          next_cursor: null,
        });
      }),
    );
    const { router } = renderRoute(<EvaluationsListPage />, {
      path: '/w/:workspaceId/p/:projectId/evaluations',
      url: `/w/${WS}/p/${PID}/evaluations`,
      extra: [{ path: '/w/:workspaceId/p/:projectId/evaluations/:id/compare', element: <p>compare page</p> }],
    });
    const row = await screen.findByRole('row', { name: /today/ });
    expect(within(row).getByText('75%')).toBeInTheDocument();
    expect(within(row).getByText('✗ Failed')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'New evaluation' })).not.toBeInTheDocument(); // a viewer
    await userEvent.selectOptions(screen.getByLabelText('Status'), 'completed');
    await waitFor(() => expect(asked.at(-1)).toContain('status=completed'));
    const compare = screen.getByRole('button', { name: /Compare/ });
    expect(compare).toBeDisabled();
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select yesterday to compare' }));
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select today to compare' }));
    await userEvent.click(compare);
    expect(await screen.findByText('compare page')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe(`/w/${WS}/p/${PID}/evaluations/new/compare`);
    expect(router.state.location.search).toBe('?against=old');
  });
});

describe('NewEvaluationPage', () => {
  const prompt = { id: 'p1', project_id: PID, name: 'support', kind: 'text', description: '', tags: [], labels: { production: 1 }, latest_version: 2, archived: false, created_at: '', updated_at: '' };
  const estimate = {
    items: 3,
    dataset_version: 4,
    calls: 6,
    grading_calls: 0,
    sampled_items: 3,
    variants: [
      { name: 'A', model: 'gpt-4o-mini', calls: 3, input_tokens_per_call: 20, output_tokens_per_call: 256, price_known: true, estimated_cost_usd: 0.0005 },
      { name: 'A (2)', model: 'house', calls: 3, input_tokens_per_call: 20, output_tokens_per_call: 256, price_known: false, estimated_cost_usd: null },
    ],
    estimated_cost_usd: null,
  };
  function setup(role = 'editor') {
    const created: unknown[] = [];
    const estimated: unknown[] = [];
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(meAs(role))),
      http.get(`*/api/v1/projects/${PID}/datasets`, () =>
        HttpResponse.json({ items: [{ id: 'd1', project_id: PID, name: 'qa', description: '', item_count: 3, version: 4, created_at: '', updated_at: '' }], next_cursor: null }),
      ),
      http.get(`*/api/v1/projects/${PID}/prompts`, () => HttpResponse.json({ items: [prompt], next_cursor: null })),
      http.get(`*/api/v1/projects/${PID}/run-providers`, () =>
        HttpResponse.json({ items: [{ id: 'c1', name: 'fake', kind: 'openai', label: 'fake — OpenAI', default_model: 'gpt-4o-mini', models: ['gpt-4o-mini'] }], next_cursor: null }),
      ),
      http.post(`${BASE}/estimate`, async ({ request }) => {
        estimated.push(await request.json());
        return HttpResponse.json(estimate);
      }),
      http.post(BASE, async ({ request }) => {
        created.push(await request.json());
        return HttpResponse.json(problem(422, 'Invalid request', [{ loc: ['body', 'variants', 1, 'prompt', 'label'], msg: "No label 'production' on prompt 'support'.", type: 'value_error' }]), {
          status: 422,
          headers: PROBLEM_HEADERS,
        });
      }),
    );
    renderRoute(<NewEvaluationPage />, { path: '/w/:workspaceId/p/:projectId/evaluations/new', url: `/w/${WS}/p/${PID}/evaluations/new?prompt=support&version=2` });
    return { created, estimated };
  }

  it('pre-fills, duplicates a variant, shows the estimate and puts API errors next to their field', async () => {
    const { created, estimated } = setup();
    await userEvent.selectOptions(await screen.findByLabelText('Dataset'), 'qa');
    expect(screen.getByText('3 items at its current version v4.')).toBeInTheDocument();
    const first = screen.getByRole('group', { name: 'Variant 1' });
    expect(within(first).getByLabelText('Version')).toHaveValue('2');
    await userEvent.selectOptions(within(first).getByLabelText('Provider connection'), 'c1');
    await userEvent.click(within(first).getByRole('button', { name: /Duplicate variant/ }));
    const second = screen.getByRole('group', { name: 'Variant 2' });
    expect(within(second).getByLabelText('Variant name')).toHaveValue('support v2 (2)');
    await userEvent.selectOptions(within(second).getByLabelText('Run'), 'label');
    await userEvent.selectOptions(within(second).getByLabelText('Label'), 'production');

    // The estimate: calls and cost, per variant; an unknown price makes the total unknown.
    expect(await screen.findByTestId('estimate-calls')).toHaveTextContent('6');
    expect(screen.getByTestId('estimate-cost')).toHaveTextContent('unknown');
    expect(within(screen.getByRole('table', { name: 'Estimate per variant' })).getByText('no price for this model')).toBeInTheDocument();
    expect(estimated.length).toBeGreaterThan(0);

    await userEvent.click(screen.getByRole('button', { name: 'Start evaluation' }));
    const label = within(screen.getByRole('group', { name: 'Variant 2' })).getByLabelText('Label');
    await waitFor(() => expect(label).toHaveAttribute('aria-invalid', 'true'));
    expect(screen.getByText("No label 'production' on prompt 'support'.")).toBeInTheDocument();
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      name: 'support v2',
      dataset: { name: 'qa', version: null },
      variants: [
        { name: 'support v2', prompt: { name: 'support', version: 2 }, provider_id: 'c1' },
        { name: 'support v2 (2)', prompt: { name: 'support', label: 'production' }, provider_id: 'c1' },
      ],
    });
  });

  it('shows each assertion type with the fields it needs', async () => {
    setup();
    const picker = await screen.findByLabelText('Assertion type');
    await userEvent.selectOptions(picker, 'llm-rubric');
    expect(screen.getByText('A judge model says the output satisfies the rubric.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Add assertion' }));
    const rubric = screen.getByRole('group', { name: 'Assertion 1: llm-rubric' });
    expect(within(rubric).getByLabelText('Rubric')).toBeInTheDocument();
    expect(within(rubric).getByLabelText('Judge connection')).toHaveValue('c1');
    expect(within(rubric).getByLabelText('Judge model')).toBeInTheDocument();
    await userEvent.click(within(rubric).getByLabelText(/Invert/));
    expect(screen.getByRole('group', { name: 'Assertion 1: not-llm-rubric' })).toBeInTheDocument();

    await userEvent.selectOptions(picker, 'latency');
    await userEvent.click(screen.getByRole('button', { name: 'Add assertion' }));
    const latency = screen.getByRole('group', { name: 'Assertion 2: latency' });
    expect(within(latency).getByLabelText('Most milliseconds')).toBeInTheDocument();
    expect(within(latency).queryByLabelText(/Value/)).not.toBeInTheDocument();
    expect(within(latency).queryByLabelText(/Judge/)).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Start evaluation' }));
    expect(within(latency).getByText('Most milliseconds is required.')).toBeInTheDocument();
    expect(within(screen.getByRole('group', { name: 'Assertion 1: not-llm-rubric' })).getByText('This type needs a value.')).toBeInTheDocument();
  });

  it('tells viewers they cannot start evaluations', async () => {
    setup('viewer');
    expect(await screen.findByText('Only editors can start evaluations.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Start evaluation' })).not.toBeInTheDocument();
  });
});
