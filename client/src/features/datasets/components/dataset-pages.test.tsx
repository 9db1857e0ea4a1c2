import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse, ws } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { projectEvents } from '@/api/project-events';
import { server } from '@/test/msw-server';
import { PROBLEM_HEADERS, problem, renderRoute } from '@/test/render';
import { DatasetPage } from './dataset-page';
import { DatasetsListPage } from './datasets-list-page';

const WS = 'ws1';
const PID = '11111111-1111-4111-8111-111111111111';
const meAs = (role: string) => ({
  user: { id: 'u1', email: 'ada@example.com', display_name: 'Ada', created_at: '2025-01-01T00:00:00Z' },
  memberships: [{ workspace: { id: WS, name: 'Ada', slug: 'ada' }, role }],
});
const dataset = (over: Record<string, unknown> = {}) => ({
  id: 'd1',
  project_id: PID,
  name: 'greetings',
  description: 'Names to greet',
  item_count: 3,
  version: 4,
  created_at: '2025-01-01T00:00:00Z',
  updated_at: '2025-01-02T00:00:00Z',
  ...over,
});
const item = (n: number, over: Record<string, unknown> = {}) => ({
  id: `item-${n}`,
  input: { name: `person ${n}` },
  expected: `Hello person ${n}`,
  metadata: {},
  version: 1,
  source_run_id: null,
  created_at: '2025-01-01T00:00:00Z',
  updated_at: '2025-01-01T00:00:00Z',
  ...over,
});
const BASE = `*/api/v1/projects/${PID}/datasets`;
const live = ws.link(`${window.location.origin.replace(/^http/, 'ws')}/api/v1/ws`);

// Every page listens to live events: by default the socket connects and hears nothing.
// An editor's page also asks for the latest import (to resume one still running): none by default.
beforeEach(() =>
  server.use(
    live.addEventListener('connection', () => {}),
    http.get(`${BASE}/:name/imports`, () => HttpResponse.json({ items: [], next_cursor: null })),
  ),
);
afterEach(() => projectEvents.reset());

function renderDataset(url = `/w/${WS}/p/${PID}/datasets/greetings`) {
  return renderRoute(<DatasetPage />, { path: '/w/:workspaceId/p/:projectId/datasets/:datasetName', url });
}

/** The live-events server: confirms subscriptions; `emit` sends an event to every client. */
function liveServer() {
  const clients: { send: (data: string) => void }[] = [];
  let subscribed = 0;
  server.use(
    live.addEventListener('connection', ({ client }) => {
      clients.push(client);
      client.addEventListener('message', (event) => {
        const message = JSON.parse(String(event.data)) as { type: string; project_id: string };
        if (message.type === 'subscribe') {
          subscribed += 1;
          client.send(JSON.stringify({ type: 'subscribed', project_id: message.project_id }));
        }
      });
    }),
  );
  return {
    subscribed: () => subscribed,
    emit: (name: string, data: Record<string, unknown>) => {
      for (const c of clients) c.send(JSON.stringify({ type: 'event', event: name, project_id: PID, data, at: '2026-01-01T00:00:00Z' }));
    },
  };
}

describe('DatasetsListPage', () => {
  it('lists datasets in a table and shows a taken name (409) and the name rule next to the field', async () => {
    const sent: unknown[] = [];
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(meAs('editor'))),
      http.get(BASE, () => HttpResponse.json({ items: [dataset()], next_cursor: null })),
      http.post(BASE, async ({ request }) => {
        sent.push(await request.json());
        return HttpResponse.json(problem(409, 'A dataset named greetings already exists.', [], 'dataset_exists'), { status: 409, headers: PROBLEM_HEADERS });
      }),
    );
    renderRoute(<DatasetsListPage />, { path: '/w/:workspaceId/p/:projectId/datasets', url: `/w/${WS}/p/${PID}/datasets` });
    const row = await screen.findByRole('row', { name: /greetings/ });
    expect(within(row).getByText('Names to greet')).toBeInTheDocument();
    expect(within(row).getByText('v4')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'New dataset' }));
    const name = screen.getByLabelText('Dataset name');
    await userEvent.type(name, 'Bad Name');
    await userEvent.click(screen.getByRole('button', { name: 'Create dataset' }));
    expect(name).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByText(/start with a letter or digit/)).toBeInTheDocument();
    expect(sent).toHaveLength(0);

    await userEvent.clear(name);
    await userEvent.type(name, 'greetings');
    await userEvent.click(screen.getByRole('button', { name: 'Create dataset' }));
    expect(await screen.findByText('A dataset named “greetings” already exists in this project.')).toBeInTheDocument();
    expect(name).toHaveAttribute('aria-invalid', 'true');
    expect(sent).toEqual([{ name: 'greetings', description: '' }]);
  });

  it('shows an empty state, and viewers get no create button', async () => {
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(meAs('viewer'))),
      http.get(BASE, () => HttpResponse.json({ items: [], next_cursor: null })),
    );
    renderRoute(<DatasetsListPage />, { path: '/w/:workspaceId/p/:projectId/datasets', url: `/w/${WS}/p/${PID}/datasets` });
    expect(await screen.findByText('No datasets yet')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /dataset/i })).not.toBeInTheDocument();
  });
});

describe('DatasetPage', () => {
  it('pages through items with next and previous cursors', async () => {
    const asked: (string | null)[] = [];
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(meAs('viewer'))),
      http.get(`${BASE}/greetings`, () => HttpResponse.json(dataset({ item_count: 30 }))),
      http.get(`${BASE}/greetings/items`, ({ request }) => {
        const cursor = new URL(request.url).searchParams.get('cursor');
        asked.push(cursor);
        return cursor === 'c2'
          ? HttpResponse.json({ items: [item(26)], next_cursor: null })
          : HttpResponse.json({ items: Array.from({ length: 25 }, (_, i) => item(i + 1)), next_cursor: 'c2' });
      }),
    );
    renderDataset();
    expect(await screen.findByText('person 1')).toBeInTheDocument();
    expect(screen.getByText('Items 1–25 · page 1')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Previous' })).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByText('person 26')).toBeInTheDocument();
    expect(screen.getByText('Items 26–26 · page 2')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Previous' }));
    expect(await screen.findByText('person 1')).toBeInTheDocument();
    expect(asked.slice(0, 2)).toEqual([null, 'c2']);
    // A viewer reads only: no item or dataset write buttons, no upload.
    expect(screen.queryByRole('button', { name: /Add item|Edit|Delete|Upload/ })).not.toBeInTheDocument();
    expect(screen.queryByLabelText('File (CSV, JSONL or JSON)')).not.toBeInTheDocument();
  });

  it('shows an older version read-only from ?version=', async () => {
    const versions: (string | null)[] = [];
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(meAs('editor'))),
      http.get(`${BASE}/greetings`, () => HttpResponse.json(dataset())),
      http.get(`${BASE}/greetings/items`, ({ request }) => {
        versions.push(new URL(request.url).searchParams.get('version'));
        return HttpResponse.json({ items: [item(1, { expected: 'old answer' })], next_cursor: null });
      }),
    );
    renderDataset(`/w/${WS}/p/${PID}/datasets/greetings?version=2`);
    expect(await screen.findByText('old answer')).toBeInTheDocument();
    expect(screen.getByText('Viewing version 2')).toBeInTheDocument();
    expect(screen.getByText(/You are viewing version 2, read-only/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Add item' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Edit item 1' })).not.toBeInTheDocument();
    expect(versions).toContain('2');
  });

  it('adds an item from the JSON editor and shows a server field error next to the field', async () => {
    let posts = 0;
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(meAs('editor'))),
      http.get(`${BASE}/greetings`, () => HttpResponse.json(dataset())),
      http.get(`${BASE}/greetings/items`, () => HttpResponse.json({ items: [item(1)], next_cursor: null })),
      http.post(`${BASE}/greetings/items`, async ({ request }) => {
        posts += 1;
        const body = (await request.json()) as { items: { input: Record<string, unknown>; expected?: unknown }[] };
        if (posts === 1) {
          return HttpResponse.json(problem(422, 'Invalid item', [{ loc: ['body', 'items', 0, 'input'], msg: 'At most 200 variables.', type: 'value_error' }]), { status: 422, headers: PROBLEM_HEADERS });
        }
        expect(body.items[0]).toEqual({ input: { name: 'Grace' }, expected: { greeting: 'hi' }, metadata: {} });
        return HttpResponse.json({ created: 1, version: 5, ids: ['new'] }, { status: 201 });
      }),
    );
    renderDataset();
    await screen.findByText('person 1');
    await userEvent.click(screen.getByRole('button', { name: 'Add item' }));
    const input = screen.getByLabelText('Input variables (JSON object)');
    // Pre-filled with the variables of the dataset's items.
    expect(JSON.parse((input as HTMLTextAreaElement).value)).toEqual({ name: '' });
    const dialog = screen.getByRole('dialog', { name: 'Add item' });
    const submit = within(dialog).getByRole('button', { name: 'Add item' });
    await userEvent.clear(input);
    await userEvent.type(input, '[[1]');
    await userEvent.click(submit);
    expect(screen.getByText('The input must be a JSON object ({...}).')).toBeInTheDocument();
    await userEvent.clear(input);
    await userEvent.type(input, '{{"name": "Grace"}');
    await userEvent.click(screen.getByLabelText('JSON'));
    await userEvent.type(screen.getByLabelText('Expected (JSON)'), '{{"greeting": "hi"}');
    await userEvent.click(submit);
    expect(await screen.findByText('At most 200 variables.')).toBeInTheDocument();
    expect(input).toHaveAttribute('aria-invalid', 'true');
    await userEvent.click(submit);
    await waitFor(() => expect(screen.queryByLabelText('Input variables (JSON object)')).not.toBeInTheDocument());
    expect(posts).toBe(2);
  });

  it('uploads a file and drives the progress bar from WebSocket events, then lists the rejected rows', async () => {
    const liveEvents = liveServer();
    let importGets = 0;
    let itemsGets = 0;
    let uploaded: { strict: string | null; file: string | null } | null = null;
    const base = { id: 'imp1', dataset: 'greetings', format: 'csv', strict: false, filename: 'people.csv', message: null, created_at: '2026-01-01T00:00:00Z', started_at: null, finished_at: null };
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(meAs('editor'))),
      http.get(`${BASE}/greetings`, () => HttpResponse.json(dataset())),
      http.get(`${BASE}/greetings/items`, () => {
        itemsGets += 1;
        return HttpResponse.json({ items: [item(1)], next_cursor: null });
      }),
      http.post(`${BASE}/greetings/imports`, async ({ request }) => {
        const form = await request.formData();
        const file = form.get('file');
        uploaded = { strict: new URL(request.url).searchParams.get('strict'), file: file && typeof file !== 'string' ? await file.text() : null };
        return HttpResponse.json({ ...base, status: 'queued', rows_done: 0, items_created: 0, error_count: 0, errors: [] }, { status: 202 });
      }),
      http.get(`${BASE}/greetings/imports/imp1`, () => {
        importGets += 1;
        return HttpResponse.json({ ...base, status: 'completed', rows_done: 3, items_created: 2, error_count: 1, errors: [{ line: 3, message: 'input: name is required' }] });
      }),
    );
    renderDataset();
    await screen.findByText('person 1');
    await waitFor(() => expect(liveEvents.subscribed()).toBe(1));
    await waitFor(() => expect(screen.getByText('Live updates on')).toBeInTheDocument());
    const itemsBefore = itemsGets;

    await userEvent.upload(screen.getByLabelText('File (CSV, JSONL or JSON)'), new File(['name,__expected\nAda,Hi Ada\n,oops\nBob,Hi Bob\n'], 'people.csv', { type: 'text/csv' }));
    await userEvent.click(screen.getByLabelText('Strict (all or nothing)'));
    await userEvent.click(screen.getByLabelText('Strict (all or nothing)'));
    await userEvent.click(screen.getByRole('button', { name: 'Upload' }));
    const progress = await screen.findByRole('region', { name: 'Import progress' });
    expect(uploaded).toEqual({ strict: null, file: 'name,__expected\nAda,Hi Ada\n,oops\nBob,Hi Bob\n' });
    expect(within(progress).getByText('Queued')).toBeInTheDocument();

    liveEvents.emit('dataset.import.progress', { import_id: 'imp1', dataset: 'greetings', rows_done: 2, items_created: 1, error_count: 1, bytes_done: 30, size_bytes: 40 });
    await waitFor(() => expect(within(progress).getByTestId('rows-done')).toHaveTextContent('2'));
    expect(within(progress).getByText('Importing')).toBeInTheDocument();
    expect(within(progress).getByTestId('items-created')).toHaveTextContent('1');
    expect(within(progress).getByTestId('error-count')).toHaveTextContent('1');
    expect(within(progress).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '75'); // bytes parsed of the file
    // Another import's events and an out-of-order older count change nothing.
    liveEvents.emit('dataset.import.progress', { import_id: 'other', dataset: 'greetings', rows_done: 99, items_created: 99, error_count: 0 });
    liveEvents.emit('dataset.import.progress', { import_id: 'imp1', dataset: 'greetings', rows_done: 1, items_created: 0, error_count: 0 });
    await new Promise((r) => setTimeout(r, 50));
    expect(within(progress).getByTestId('rows-done')).toHaveTextContent('2');
    expect(importGets).toBe(0); // no polling while the socket is up

    liveEvents.emit('dataset.import.completed', { import_id: 'imp1', dataset: 'greetings', rows_done: 3, items_created: 2, error_count: 1, version: 5 });
    expect(await within(progress).findByText('Completed')).toBeInTheDocument();
    expect(within(progress).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
    const rejected = await within(progress).findByRole('list', { name: 'Rejected rows' });
    expect(within(rejected).getByText('line 3')).toBeInTheDocument();
    expect(within(rejected).getByText('input: name is required')).toBeInTheDocument();
    expect(within(progress).getByText(/Imported 2 items as version 5; 1 row was rejected/)).toBeInTheDocument();
    expect(importGets).toBe(1);
    await waitFor(() => expect(itemsGets).toBeGreaterThan(itemsBefore)); // the items were re-read
  });

  it('shows the message of a failed import', async () => {
    const liveEvents = liveServer();
    const base = { id: 'imp2', dataset: 'greetings', format: 'json', strict: true, filename: 'broken.json', created_at: '2026-01-01T00:00:00Z', started_at: null, finished_at: null };
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(meAs('editor'))),
      http.get(`${BASE}/greetings`, () => HttpResponse.json(dataset())),
      http.get(`${BASE}/greetings/items`, () => HttpResponse.json({ items: [item(1)], next_cursor: null })),
      http.post(`${BASE}/greetings/imports`, () => HttpResponse.json({ ...base, status: 'queued', rows_done: 0, items_created: 0, error_count: 0, errors: [], message: null }, { status: 202 })),
      http.get(`${BASE}/greetings/imports/imp2`, () =>
        HttpResponse.json({ ...base, status: 'failed', rows_done: 0, items_created: 0, error_count: 0, errors: [], message: 'The file is not valid JSON (line 1).' }),
      ),
    );
    renderDataset();
    await screen.findByText('person 1');
    await waitFor(() => expect(liveEvents.subscribed()).toBe(1));
    await userEvent.upload(screen.getByLabelText('File (CSV, JSONL or JSON)'), new File(['[{'], 'broken.json', { type: 'application/json' }));
    await userEvent.click(screen.getByLabelText('Strict (all or nothing)'));
    await userEvent.click(screen.getByRole('button', { name: 'Upload' }));
    const progress = await screen.findByRole('region', { name: 'Import progress' });
    liveEvents.emit('dataset.import.failed', { import_id: 'imp2', dataset: 'greetings', message: 'The file is not valid JSON (line 1).' });
    expect(await within(progress).findByText('Failed')).toBeInTheDocument();
    expect(within(progress).getByText('The file is not valid JSON (line 1).')).toBeInTheDocument();
    expect(within(progress).getByText('The import failed; nothing was added.')).toBeInTheDocument();
  });

  it('picks up an import still running after a reload and follows it live', async () => {
    const liveEvents = liveServer();
    const running = { id: 'imp3', dataset: 'greetings', status: 'running', format: 'jsonl', strict: false, filename: 'big.jsonl', rows_done: 500, items_created: 500, error_count: 0, errors: [], message: null, created_at: 'x', started_at: 'x', finished_at: null };
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(meAs('editor'))),
      http.get(`${BASE}/greetings`, () => HttpResponse.json(dataset())),
      http.get(`${BASE}/greetings/items`, () => HttpResponse.json({ items: [item(1)], next_cursor: null })),
      http.get(`${BASE}/greetings/imports`, () => HttpResponse.json({ items: [running], next_cursor: null })),
      http.get(`${BASE}/greetings/imports/imp3`, () => HttpResponse.json(running)),
    );
    renderDataset();
    const progress = await screen.findByRole('region', { name: 'Import progress' });
    expect(within(progress).getByTestId('rows-done')).toHaveTextContent('500');
    await waitFor(() => expect(liveEvents.subscribed()).toBe(1));
    liveEvents.emit('dataset.import.progress', { import_id: 'imp3', dataset: 'greetings', rows_done: 900, items_created: 900, error_count: 0 });
    await waitFor(() => expect(within(progress).getByTestId('rows-done')).toHaveTextContent('900'));
  });
});
