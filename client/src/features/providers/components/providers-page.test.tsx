import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { server } from '@/test/msw-server';
import { renderRoute } from '@/test/render';
import { ProvidersPage } from './providers-page';

const WS = '11111111-1111-4111-8111-111111111111';
const PID = '22222222-2222-4222-8222-222222222222';
const me = (role: string) => ({
  user: { id: 'u1', email: 'ada@example.com', display_name: 'Ada', created_at: '2025-01-01T00:00:00Z' },
  memberships: [{ workspace: { id: WS, name: 'Ada', slug: 'ada' }, role }],
});
const render = () =>
  renderRoute(<ProvidersPage />, { path: '/w/:workspaceId/p/:projectId/settings/providers', url: `/w/${WS}/p/${PID}/settings/providers` });

describe('ProvidersPage', () => {
  it('connects an OpenAI-compatible server, shows only the key’s last 4, tests it and deletes it', async () => {
    type P = Record<string, unknown> & { id: string; name: string };
    let providers: P[] = [];
    let created: Record<string, unknown> | null = null;
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(me('admin'))),
      http.get(`*/api/v1/projects/${PID}/providers`, () => HttpResponse.json({ items: providers, next_cursor: null })),
      http.post(`*/api/v1/projects/${PID}/providers`, async ({ request }) => {
        created = (await request.json()) as Record<string, unknown>;
        providers = [
          {
            id: 'p1',
            project_id: PID,
            name: String(created.name),
            kind: 'openai_compatible',
            label: 'OpenAI-compatible server',
            base_url: String(created.base_url),
            api_key_last4: 'wxyz',
            default_model: 'fake-chat',
            models: ['fake-chat'],
            pricing: {},
            created_at: '2025-01-01T00:00:00Z',
            updated_at: '2025-01-01T00:00:00Z',
          },
        ];
        return HttpResponse.json(providers[0], { status: 201 });
      }),
      http.post(`*/api/v1/projects/${PID}/providers/p1/test`, () => HttpResponse.json({ ok: true, models: ['fake-chat', 'gpt-4o'], latency_ms: 7, error: null })),
      http.delete(`*/api/v1/projects/${PID}/providers/p1`, () => {
        providers = [];
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const user = userEvent.setup();
    render();
    expect(await screen.findByText('No providers yet')).toBeInTheDocument();
    expect(screen.getByRole('option', { name: 'Echo (no model call)' })).toBeInTheDocument();

    await user.type(screen.getByLabelText('Provider name'), 'local');
    await user.selectOptions(screen.getByLabelText('Kind'), 'openai_compatible');
    await user.click(screen.getByRole('button', { name: 'Connect provider' }));
    expect(screen.getByLabelText('Base URL')).toHaveAccessibleDescription('Required, e.g. http://localhost:11434/v1 for Ollama.');

    await user.type(screen.getByLabelText('Base URL'), 'http://127.0.0.1:9999/v1');
    await user.type(screen.getByLabelText('API key'), 'sk-secret-abcdwxyz');
    await user.type(screen.getByLabelText('Default model'), 'fake-chat');
    await user.click(screen.getByRole('button', { name: 'Connect provider' }));
    const item = await screen.findByRole('listitem', { name: 'local' });
    expect(created).toMatchObject({ name: 'local', kind: 'openai_compatible', base_url: 'http://127.0.0.1:9999/v1', api_key: 'sk-secret-abcdwxyz', default_model: 'fake-chat' });
    expect(within(item).getByText('••••wxyz')).toBeInTheDocument();
    expect(screen.queryByText(/sk-secret/)).not.toBeInTheDocument();
    expect(screen.getByLabelText('API key')).toHaveValue('');

    await user.click(within(item).getByRole('button', { name: 'Test connection of local' }));
    expect(await within(item).findByText('Connected in 7 ms')).toBeInTheDocument();
    expect(within(item).getByText('fake-chat, gpt-4o')).toBeInTheDocument();

    await user.click(within(item).getByRole('button', { name: 'Delete local' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Delete provider' })).getByRole('button', { name: 'Delete provider' }));
    await waitFor(() => expect(screen.getByText('No providers yet')).toBeInTheDocument());
  });

  it('shows a failed connection test and server field errors; echo needs no URL or key', async () => {
    const echo = {
      id: 'p2',
      project_id: PID,
      name: 'bad',
      kind: 'openai',
      label: 'OpenAI',
      base_url: 'https://api.openai.com/v1',
      api_key_last4: null,
      default_model: null,
      models: [],
      pricing: {},
      created_at: '2025-01-01T00:00:00Z',
      updated_at: '2025-01-01T00:00:00Z',
    };
    let posted: Record<string, unknown> | null = null;
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(me('owner'))),
      http.get(`*/api/v1/projects/${PID}/providers`, () => HttpResponse.json({ items: [echo], next_cursor: null })),
      http.post(`*/api/v1/projects/${PID}/providers/p2/test`, () =>
        HttpResponse.json({ ok: false, models: null, latency_ms: 3, error: { code: 'provider_auth_failed', message: 'The provider refused the API key.' } }),
      ),
      http.post(`*/api/v1/projects/${PID}/providers`, async ({ request }) => {
        posted = (await request.json()) as Record<string, unknown>;
        return HttpResponse.json(
          { type: 'about:blank', title: 'Conflict', status: 422, detail: 'Invalid', code: 'validation_error', errors: [{ loc: ['body', 'name'], msg: 'A provider named bad exists.', type: 'value_error' }] },
          { status: 422, headers: { 'Content-Type': 'application/problem+json' } },
        );
      }),
    );
    const user = userEvent.setup();
    render();
    const item = await screen.findByRole('listitem', { name: 'bad' });
    await user.click(within(item).getByRole('button', { name: 'Test connection of bad' }));
    expect(await within(item).findByText('The provider refused the API key.')).toBeInTheDocument();

    await user.type(screen.getByLabelText('Provider name'), 'bad');
    expect(screen.queryByLabelText('API key')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Connect provider' }));
    expect(await screen.findByText('A provider named bad exists.')).toBeInTheDocument();
    expect(posted).toEqual({ name: 'bad', kind: 'echo', base_url: null, api_key: null, default_model: null, models: [] });
  });

  it('is for admins only', async () => {
    server.use(http.get('*/api/v1/auth/me', () => HttpResponse.json(me('editor'))));
    render();
    expect(await screen.findByText('Admins only')).toBeInTheDocument();
  });
});
