import { EditorView } from '@codemirror/view';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { server } from '@/test/msw-server';
import { renderRoute } from '@/test/render';
import { PromptCreatePage } from './prompt-create-page';
import { PromptDetailPage } from './prompt-detail-page';

const WS = 'ws1';
const PID = 'p1';
const me = {
  user: { id: 'u1', email: 'ada@example.com', display_name: 'Ada', created_at: '2025-01-01T00:00:00Z' },
  memberships: [{ workspace: { id: WS, name: 'Ada', slug: 'ada' }, role: 'editor' }],
};
const project = { id: PID, workspace_id: WS, name: 'Default', slug: 'default', protected_labels: ['production'], created_at: '2025-01-01T00:00:00Z' };
const version = (number: number, template: string) => ({
  number,
  template,
  variables: null,
  model_config: null,
  commit_message: `v${number} message`,
  author_label: 'ada@example.com',
  created_at: '2025-01-01T00:00:00Z',
  content_hash: `hash${number}`.padEnd(20, '0'),
});

/** Replace the text of the CodeMirror editor labelled `label`. */
function setEditorText(label: string, text: string) {
  const content = screen.getByRole('textbox', { name: label });
  const view = EditorView.findFromDOM(content as HTMLElement);
  if (!view) throw new Error('no editor');
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

// The labels panel asks for the deploy policy and pending deployments: none here.
beforeEach(() => {
  server.use(
    http.get('*/api/v1/projects/:projectId/deploy-policy', () => HttpResponse.json({ labels: {}, updated_at: null, updated_by: null })),
    http.get('*/api/v1/projects/:projectId/deployments', () => HttpResponse.json({ items: [], next_cursor: null })),
  );
});

describe('PromptCreatePage', () => {
  it('creates a text prompt from the editor and lists its variables', async () => {
    let body: Record<string, unknown> | undefined;
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(me)),
      http.post(`*/api/v1/projects/${PID}/prompts`, async ({ request }) => {
        body = (await request.json()) as Record<string, unknown>;
        return HttpResponse.json({ name: body.name }, { status: 201 });
      }),
    );
    const { router } = renderRoute(<PromptCreatePage />, {
      path: '/w/:workspaceId/p/:projectId/prompts/new',
      url: `/w/${WS}/p/${PID}/prompts/new`,
      extra: [{ path: '/w/:workspaceId/p/:projectId/prompts/:name', element: <p>detail</p> }],
    });
    await userEvent.type(screen.getByLabelText('Name'), 'greeting');
    await userEvent.type(screen.getByLabelText('Tags'), 'a, b');
    setEditorText('Template', 'Hello {{ name }} from {{ place | title }}');
    expect(await screen.findByText('place')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Create prompt' }));
    await screen.findByText('detail');
    expect(router.state.location.pathname).toBe(`/w/${WS}/p/${PID}/prompts/greeting`);
    expect(body).toMatchObject({ name: 'greeting', kind: 'text', tags: ['a', 'b'], template: 'Hello {{ name }} from {{ place | title }}' });
  });

  it('rejects an invalid name before sending', async () => {
    server.use(http.get('*/api/v1/auth/me', () => HttpResponse.json(me)));
    renderRoute(<PromptCreatePage />, { path: '/w/:workspaceId/p/:projectId/prompts/new', url: `/w/${WS}/p/${PID}/prompts/new` });
    await userEvent.type(screen.getByLabelText('Name'), 'Bad Name');
    setEditorText('Template', 'x');
    await userEvent.click(screen.getByRole('button', { name: 'Create prompt' }));
    expect(screen.getByLabelText('Name')).toHaveAttribute('aria-invalid', 'true');
  });

  it('builds chat templates from role-tagged blocks', async () => {
    let body: Record<string, unknown> | undefined;
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(me)),
      http.post(`*/api/v1/projects/${PID}/prompts`, async ({ request }) => {
        body = (await request.json()) as Record<string, unknown>;
        return HttpResponse.json({ name: 'chatty' }, { status: 201 });
      }),
    );
    renderRoute(<PromptCreatePage />, {
      path: '/w/:workspaceId/p/:projectId/prompts/new',
      url: `/w/${WS}/p/${PID}/prompts/new`,
      extra: [{ path: '/w/:workspaceId/p/:projectId/prompts/:name', element: <p>detail</p> }],
    });
    await userEvent.type(screen.getByLabelText('Name'), 'chatty');
    await userEvent.click(screen.getByLabelText('Chat'));
    setEditorText('Content of message 1', 'You are {{ persona }}.');
    setEditorText('Content of message 2', '{{ question }}');
    await userEvent.click(screen.getByRole('button', { name: 'Add placeholder' }));
    await userEvent.click(screen.getByRole('button', { name: 'Create prompt' }));
    await screen.findByText('detail');
    expect(body?.template).toEqual([
      { role: 'system', content: 'You are {{ persona }}.' },
      { role: 'user', content: '{{ question }}' },
      { role: 'placeholder', name: 'history' },
    ]);
  });
});

describe('PromptDetailPage', () => {
  const prompt = {
    name: 'greeting',
    kind: 'text',
    description: 'Greets',
    tags: [],
    labels: { staging: 1 },
    latest_version: 2,
    archived: false,
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-01T00:00:00Z',
  };

  function mockPrompt(onCreate?: (body: unknown) => void) {
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(me)),
      http.get(`*/api/v1/projects/${PID}`, () => HttpResponse.json(project)),
      http.get(`*/api/v1/projects/${PID}/prompts/greeting`, () => HttpResponse.json(prompt)),
      http.get(`*/api/v1/projects/${PID}/prompts/greeting/versions`, () =>
        HttpResponse.json({ items: [version(2, 'Hello {{ name }}, welcome!\n'), version(1, 'Hello {{ name }}!\n')], next_cursor: null }),
      ),
      http.get(`*/api/v1/projects/${PID}/prompts/greeting/versions/1`, () => HttpResponse.json(version(1, 'Hello {{ name }}!\n'))),
      http.get(`*/api/v1/projects/${PID}/prompts/greeting/versions/2`, () => HttpResponse.json(version(2, 'Hello {{ name }}, welcome!\n'))),
      http.post(`*/api/v1/projects/${PID}/prompts/greeting/versions`, async ({ request }) => {
        const body = await request.json();
        onCreate?.(body);
        return HttpResponse.json(version(3, 'x'), { status: 201 });
      }),
      http.get(`*/api/v1/projects/${PID}/prompts`, () => HttpResponse.json({ items: [prompt], next_cursor: null })),
    );
  }

  const renderDetail = (query = '') =>
    renderRoute(<PromptDetailPage />, { path: '/w/:workspaceId/p/:projectId/prompts/:promptName', url: `/w/${WS}/p/${PID}/prompts/greeting${query}` });

  it('saves the edited template as a new version with a commit message', async () => {
    let sent: unknown;
    mockPrompt((b) => (sent = b));
    renderDetail();
    await screen.findByRole('textbox', { name: 'Template' });
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Template' })).toHaveTextContent('welcome'));
    setEditorText('Template', 'Hi {{ name }}');
    await userEvent.type(screen.getByLabelText('Commit message'), 'shorter');
    await userEvent.click(screen.getByRole('button', { name: 'Save new version' }));
    await waitFor(() => expect(sent).toMatchObject({ template: 'Hi {{ name }}', commit_message: 'shorter' }));
  });

  it('shows the version history and a side-by-side diff', async () => {
    mockPrompt();
    renderDetail();
    await userEvent.click(await screen.findByRole('tab', { name: 'Versions' }));
    const list = await screen.findByRole('list', { name: 'Versions' });
    expect(within(list).getByText('v2 message')).toBeInTheDocument();
    await userEvent.click(within(list).getByRole('button', { name: 'Compare v2 with v1' }));
    const table = await screen.findByRole('table', { name: /Template/ });
    expect(within(table).getByLabelText('removed: Hello {{ name }}!')).toBeInTheDocument();
    expect(within(table).getByLabelText('added: Hello {{ name }}, welcome!')).toBeInTheDocument();
  });

  it('disables moving production for an editor', async () => {
    mockPrompt();
    renderDetail();
    expect(await screen.findByRole('button', { name: 'Move production' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Move staging' })).toBeEnabled();
  });

  it('renders a preview from a generated variables form', async () => {
    let sent: unknown;
    mockPrompt();
    server.use(
      http.post(`*/api/v1/projects/${PID}/prompts/greeting/render`, async ({ request }) => {
        sent = await request.json();
        return HttpResponse.json({ name: 'greeting', version: 2, kind: 'text', text: 'Hello Ada, welcome!' });
      }),
    );
    renderDetail('?tab=render');
    await userEvent.type(await screen.findByLabelText('name'), 'Ada');
    await userEvent.click(screen.getByRole('button', { name: 'Render preview' }));
    expect(await screen.findByTestId('render-output')).toHaveTextContent('Hello Ada, welcome!');
    expect(sent).toEqual({ version: 2, variables: { name: 'Ada' } });
  });
});
