import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { server } from '@/test/msw-server';
import { renderRoute } from '@/test/render';
import { PlaygroundPage } from './playground-page';

const WS = '11111111-1111-4111-8111-111111111111';
const PID = '22222222-2222-4222-8222-222222222222';
const me = (role: string) => ({
  user: { id: 'u1', email: 'ada@example.com', display_name: 'Ada', created_at: '2025-01-01T00:00:00Z' },
  memberships: [{ workspace: { id: WS, name: 'Ada', slug: 'ada' }, role }],
});
const provider = (id: string, name: string, kind: string, extra: Record<string, unknown> = {}) => ({
  id,
  project_id: PID,
  name,
  kind,
  label: kind,
  base_url: null,
  api_key_last4: null,
  default_model: null,
  models: [],
  pricing: {},
  created_at: '2025-01-01T00:00:00Z',
  updated_at: '2025-01-01T00:00:00Z',
  ...extra,
});
const PROVIDERS = [provider('p-echo', 'echo', 'echo'), provider('p-local', 'local', 'openai_compatible', { models: ['fake-chat', 'gpt-4o'], default_model: 'fake-chat' })];
const PROMPT = {
  id: 'pr1',
  project_id: PID,
  name: 'greeting',
  kind: 'text',
  description: '',
  tags: [],
  labels: { production: 1 },
  latest_version: 2,
  archived: false,
  created_at: '2025-01-01T00:00:00Z',
  updated_at: '2025-01-01T00:00:00Z',
};
const version = (number: number, template: string) => ({
  number,
  template,
  variables: {},
  model_config: {},
  commit_message: `v${number}`,
  author_label: 'Ada',
  created_at: '2025-01-01T00:00:00Z',
  content_hash: `h${number}`,
});

function sseResponse(events: [string, unknown][], delayMs = 0) {
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (const [event, data] of events) {
        if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
        controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
      }
      controller.close();
    },
  });
  return new HttpResponse(stream, { status: 201, headers: { 'Content-Type': 'text/event-stream' } });
}

const run = (id: string, output: string, extra: Record<string, unknown> = {}) => ({
  id,
  project_id: PID,
  status: 'completed',
  prompt: null,
  kind: 'text',
  provider_id: 'p-echo',
  provider_name: 'echo',
  provider_kind: 'echo',
  model: 'echo',
  params: {},
  variables: {},
  output,
  usage: { input_tokens: 4, output_tokens: 3 },
  cost_usd: 0.00042,
  latency_ms: 85,
  time_to_first_token_ms: 12,
  error: null,
  stream: true,
  created_by: 'Ada',
  created_at: '2025-01-01T00:00:00Z',
  finished_at: '2025-01-01T00:00:01Z',
  ...extra,
});

function baseHandlers({ role = 'editor', runs = [] as unknown[] } = {}) {
  return [
    http.get('*/api/v1/auth/me', () => HttpResponse.json(me(role))),
    http.get(`*/api/v1/projects/${PID}/run-providers`, () => HttpResponse.json({ items: PROVIDERS, next_cursor: null })),
    http.get(`*/api/v1/projects/${PID}/prompts`, () => HttpResponse.json({ items: [PROMPT], next_cursor: null })),
    http.get(`*/api/v1/projects/${PID}/prompts/greeting`, () => HttpResponse.json(PROMPT)),
    http.get(`*/api/v1/projects/${PID}/prompts/greeting/versions`, () =>
      HttpResponse.json({ items: [version(2, 'Hi {{ name }}, you are {{ age }}'), version(1, 'Hello {{ name }}')], next_cursor: null }),
    ),
    http.get(`*/api/v1/projects/${PID}/runs`, () => HttpResponse.json({ items: runs, next_cursor: null })),
  ];
}

const renderPage = (query = '') =>
  renderRoute(<PlaygroundPage />, { path: '/w/:workspaceId/p/:projectId/playground', url: `/w/${WS}/p/${PID}/playground${query}` });

describe('PlaygroundPage', () => {
  it('builds the variables form from a draft, streams the answer live, then shows tokens, cost, latency and TTFT', async () => {
    const bodies: Record<string, unknown>[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    server.use(
      ...baseHandlers(),
      http.post(`*/api/v1/projects/${PID}/runs`, async ({ request }) => {
        bodies.push((await request.json()) as Record<string, unknown>);
        const encoder = new TextEncoder();
        const stream = new ReadableStream<Uint8Array>({
          async start(controller) {
            controller.enqueue(encoder.encode('event: delta\ndata: {"text":"Hello "}\n\n'));
            await gate; // the rest arrives only when the test says so
            controller.enqueue(encoder.encode('event: delta\ndata: {"text":"Ada"}\n\n'));
            controller.enqueue(encoder.encode(`event: run\ndata: ${JSON.stringify(run('r1', 'Hello Ada'))}\n\n`));
            controller.close();
          },
        });
        return new HttpResponse(stream, { status: 201, headers: { 'Content-Type': 'text/event-stream' } });
      }),
    );
    const user = userEvent.setup();
    renderPage();
    expect(await screen.findByRole('option', { name: 'echo — Echo (no model call)' }, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getByText('This template uses no variables.')).toBeInTheDocument();

    const editor = screen.getByRole('textbox', { name: 'Draft template' });
    await user.click(editor);
    // Pasted, so CodeMirror's bracket auto-closing leaves `{{ name }}` as written.
    await user.paste('Say hi to {{ name }}');
    const nameField = await screen.findByLabelText('name');
    await user.type(nameField, 'Ada');
    await user.click(screen.getByRole('button', { name: 'Run' }));

    const output = screen.getByLabelText('Output of variant 1');
    await waitFor(() => expect(output).toHaveTextContent('Hello'));
    expect(output).toHaveAttribute('aria-busy', 'true');
    expect(screen.getByRole('button', { name: 'Stop' })).toBeInTheDocument();
    release();
    await waitFor(() => expect(output).toHaveTextContent('Hello Ada'));
    const metrics = await screen.findByLabelText('Metrics of variant 1');
    expect(metrics).toHaveTextContent('4 / 3');
    expect(metrics).toHaveTextContent('$0.00042');
    expect(metrics).toHaveTextContent('85 ms');
    expect(metrics).toHaveTextContent('12 ms');
    expect(bodies[0]).toMatchObject({ kind: 'text', variables: { name: 'Ada' }, provider_id: 'p-echo', stream: true });
    expect(String(bodies[0]!.template)).toContain('{{ name }}');
    expect(screen.getByRole('img', { name: /Latency and cost by variant/ })).toBeInTheDocument();
  });

  it('compares two variants of a saved prompt concurrently, each with its own version, provider, model and parameters', async () => {
    const bodies: Record<string, unknown>[] = [];
    server.use(
      ...baseHandlers(),
      http.post(`*/api/v1/projects/${PID}/runs`, async ({ request }) => {
        const body = (await request.json()) as Record<string, unknown>;
        bodies.push(body);
        const which = (body.prompt as { label?: string; version?: number }).version === 1 ? 'v1' : 'latest';
        return sseResponse(
          [
            ['delta', { text: `answer from ${which}` }],
            ['run', run(`r-${which}`, `answer from ${which}`, { latency_ms: which === 'v1' ? 300 : 100 })],
          ],
          20,
        );
      }),
    );
    const user = userEvent.setup();
    renderPage('?prompt=greeting');
    const version1 = await screen.findByLabelText('Version (variant 1)');
    await waitFor(() => expect(version1).toHaveValue('label:latest'));
    expect(within(version1).getByRole('option', { name: 'production (v1)' })).toBeInTheDocument();
    // The variables of the latest version (v2) are asked for.
    expect(await screen.findByLabelText('age')).toBeInTheDocument();
    await user.type(screen.getByLabelText('name'), 'Ada');

    await user.click(screen.getByRole('button', { name: 'Add variant' }));
    await user.selectOptions(screen.getByLabelText('Version (variant 2)'), 'version:1');
    await user.selectOptions(screen.getByLabelText('Provider (variant 2)'), 'p-local');
    await user.type(screen.getByLabelText('Model (variant 2)'), 'gpt-4o');
    await user.click(screen.getByText('Parameters (variant 2)'));
    await user.type(screen.getByLabelText('Temperature (variant 2)'), '0.2');
    await user.type(screen.getByLabelText('Stop sequences (variant 2)'), 'END, STOP');
    await user.click(screen.getByRole('button', { name: 'Run 2 variants' }));

    await waitFor(() => expect(screen.getByLabelText('Output of variant 1')).toHaveTextContent('answer from latest'));
    await waitFor(() => expect(screen.getByLabelText('Output of variant 2')).toHaveTextContent('answer from v1'));
    expect(bodies).toHaveLength(2);
    const [first, second] = [bodies.find((b) => (b.prompt as { label?: string }).label), bodies.find((b) => (b.prompt as { version?: number }).version)];
    expect(first).toMatchObject({ prompt: { name: 'greeting', label: 'latest' }, provider_id: 'p-echo', variables: { name: 'Ada', age: '' } });
    expect(second).toMatchObject({ prompt: { name: 'greeting', version: 1 }, provider_id: 'p-local', model: 'gpt-4o', params: { temperature: 0.2, stop: ['END', 'STOP'] } });
    const chart = await screen.findByRole('img', { name: /Latency and cost by variant/ });
    expect(chart).toHaveAccessibleName(expect.stringContaining('Variant 2: latency 300 ms'));
  });

  it('checks parameters before running and shows a refused run as an error', async () => {
    server.use(
      ...baseHandlers(),
      http.post(`*/api/v1/projects/${PID}/runs`, () =>
        HttpResponse.json({ type: 'about:blank', title: 'Bad key', status: 424, detail: 'The provider refused the API key.', code: 'provider_auth' }, { status: 424, headers: { 'Content-Type': 'application/problem+json' } }),
      ),
    );
    const user = userEvent.setup();
    renderPage();
    await screen.findByRole('option', { name: 'echo — Echo (no model call)' }, { timeout: 5000 });
    const editor = screen.getByRole('textbox', { name: 'Draft template' });
    await user.click(editor);
    await user.type(editor, 'Hi');
    await user.click(screen.getByText('Parameters (variant 1)'));
    await user.type(screen.getByLabelText('Temperature (variant 1)'), '5');
    await user.click(screen.getByRole('button', { name: 'Run' }));
    expect(screen.getByLabelText('Temperature (variant 1)')).toHaveAccessibleDescription('Between 0 and 2.');

    await user.clear(screen.getByLabelText('Temperature (variant 1)'));
    await user.click(screen.getByRole('button', { name: 'Run' }));
    expect(await screen.findByText('The provider refused the API key.')).toBeInTheDocument();
    expect(screen.getByText('Failed')).toBeInTheDocument();
  });

  it('saves an edited draft as a new version of the prompt', async () => {
    let saved: Record<string, unknown> | null = null;
    server.use(
      ...baseHandlers(),
      http.post(`*/api/v1/projects/${PID}/prompts/greeting/versions`, async ({ request }) => {
        saved = (await request.json()) as Record<string, unknown>;
        return HttpResponse.json(version(3, String(saved.template)), { status: 201 });
      }),
    );
    const user = userEvent.setup();
    renderPage('?prompt=greeting');
    await user.click(await screen.findByRole('button', { name: 'Edit as draft' }));
    const editor = screen.getByRole('textbox', { name: 'Draft template' });
    expect(editor).toHaveTextContent('Hi {{ name }}, you are {{ age }}');
    await user.click(editor);
    await user.keyboard('{Control>}{End}{/Control}!');
    expect(screen.getByLabelText('Version (variant 1)')).toHaveValue('draft');
    await user.click(screen.getByRole('button', { name: 'Save as new version' }));
    const dialog = await screen.findByRole('dialog', { name: 'Save draft as a new version' });
    await user.type(within(dialog).getByLabelText('Commit message'), 'excited');
    await user.click(within(dialog).getByRole('button', { name: 'Save version' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(saved).toMatchObject({ template: 'Hi {{ name }}, you are {{ age }}!', commit_message: 'excited' });
    expect(screen.queryByRole('textbox', { name: 'Draft template' })).not.toBeInTheDocument();
  });

  it('lists past runs, filtered by prompt', async () => {
    const queries: string[] = [];
    // The first matching handler wins: the override goes before the defaults.
    server.use(
      http.get(`*/api/v1/projects/${PID}/runs`, ({ request }) => {
        const prompt = new URL(request.url).searchParams.get('prompt') ?? '';
        queries.push(prompt);
        const items = prompt ? [run('r2', 'from greeting', { prompt: { name: 'greeting', version: 2 } })] : [run('r1', 'from a draft')];
        return HttpResponse.json({ items, next_cursor: null });
      }),
      ...baseHandlers(),
    );
    const user = userEvent.setup();
    renderPage();
    const table = await screen.findByRole('table', { name: 'Runs' });
    expect(await within(table).findByText('from a draft')).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText('Filter runs by prompt'), 'greeting');
    expect(await within(screen.getByRole('table', { name: 'Runs' })).findByText('greeting v2')).toBeInTheDocument();
    expect(queries).toEqual(['', 'greeting']);
  });

  it('tells viewers they cannot run and admins where to connect a provider', async () => {
    server.use(http.get(`*/api/v1/projects/${PID}/run-providers`, () => HttpResponse.json({ items: [], next_cursor: null })), ...baseHandlers({ role: 'viewer' }));
    renderPage();
    expect(await screen.findByText('No provider connections yet')).toBeInTheDocument();
    expect(await screen.findByText(/Viewers can read the run history/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Run' })).toBeDisabled();
  });
});

describe('Add to dataset', () => {
  it('adds a completed run from the history to a new dataset; a taken name shows at the field', async () => {
    const created: unknown[] = [];
    const fromRun: { name: string; body: unknown }[] = [];
    server.use(
      ...baseHandlers({ runs: [run('r9', 'Bonjour'), run('r8', '', { status: 'failed', output: null })] }),
      http.get(`*/api/v1/projects/${PID}/datasets`, () =>
        HttpResponse.json({ items: [{ id: 'd1', project_id: PID, name: 'existing', description: '', item_count: 2, version: 2, created_at: 'x', updated_at: 'x' }], next_cursor: null }),
      ),
      http.post(`*/api/v1/projects/${PID}/datasets`, async ({ request }) => {
        const body = (await request.json()) as { name: string };
        created.push(body);
        if (body.name === 'existing') {
          return HttpResponse.json({ type: 'about:blank', title: 'Conflict', status: 409, detail: 'exists', code: 'dataset_exists' }, { status: 409, headers: { 'Content-Type': 'application/problem+json' } });
        }
        return HttpResponse.json({ id: 'd2', project_id: PID, name: body.name, description: '', item_count: 0, version: 0, created_at: 'x', updated_at: 'x' }, { status: 201 });
      }),
      http.post(`*/api/v1/projects/${PID}/datasets/:name/items/from-run`, async ({ request, params }) => {
        fromRun.push({ name: String(params.name), body: await request.json() });
        return HttpResponse.json({ id: 'i1', input: {}, expected: 'Bonjour', metadata: {}, version: 1, source_run_id: 'r9', created_at: 'x', updated_at: 'x' }, { status: 201 });
      }),
    );
    const user = userEvent.setup();
    renderPage();
    const history = await screen.findByRole('table', { name: 'Runs' });
    const buttons = await within(history).findAllByRole('button', { name: /to a dataset$/ });
    expect(buttons).toHaveLength(1); // the failed run has nothing to copy
    await user.click(buttons[0]!);
    const dialog = await screen.findByRole('dialog', { name: 'Add run to a dataset' });
    const picker = await within(dialog).findByRole('combobox', { name: 'Dataset' });
    await user.selectOptions(picker, 'New dataset…');
    await user.type(within(dialog).getByLabelText('New dataset name'), 'existing');
    await user.click(within(dialog).getByRole('button', { name: 'Add to dataset' }));
    expect(await within(dialog).findByText('A dataset with this name already exists: pick it from the list.')).toBeInTheDocument();
    await user.clear(within(dialog).getByLabelText('New dataset name'));
    await user.type(within(dialog).getByLabelText('New dataset name'), 'fresh');
    await user.click(within(dialog).getByRole('button', { name: 'Add to dataset' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(created).toEqual([{ name: 'existing', description: '' }, { name: 'fresh', description: '' }]);
    expect(fromRun).toEqual([{ name: 'fresh', body: { run_id: 'r9' } }]);
  });

  it('is not offered to viewers', async () => {
    server.use(...baseHandlers({ role: 'viewer', runs: [run('r9', 'Bonjour')] }));
    renderPage();
    const history = await screen.findByRole('table', { name: 'Runs' });
    await within(history).findByText('Bonjour');
    expect(within(history).queryByRole('button', { name: /to a dataset$/ })).not.toBeInTheDocument();
  });
});
