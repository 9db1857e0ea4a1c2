import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { server } from '@/test/msw-server';
import { renderRoute } from '@/test/render';
import { ApiKeysPage } from './api-keys-page';

const WS = '11111111-1111-4111-8111-111111111111';
const PID = '22222222-2222-4222-8222-222222222222';
const me = {
  user: { id: 'u1', email: 'ada@example.com', display_name: 'Ada', created_at: '2025-01-01T00:00:00Z' },
  memberships: [{ workspace: { id: WS, name: 'Ada', slug: 'ada' }, role: 'owner' }],
};
const key = {
  id: '33333333-3333-4333-8333-333333333333',
  project_id: PID,
  name: 'ci',
  role: 'viewer',
  prefix: 'pf_abc',
  public_key: 'pk-pf-0123abcd',
  created_at: '2025-01-01T00:00:00Z',
  expires_at: null,
  last_used_at: null,
  revoked_at: null as string | null,
};

describe('ApiKeysPage', () => {
  it('shows the secret once with a copy button, then revokes the key', async () => {
    let keys: (typeof key)[] = [];
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(me)),
      http.get(`*/api/v1/projects/${PID}/api-keys`, () => HttpResponse.json({ items: keys, next_cursor: null })),
      http.post(`*/api/v1/projects/${PID}/api-keys`, async ({ request }) => {
        const body = (await request.json()) as { name: string; role: string };
        keys = [{ ...key, name: body.name }];
        const langfuse_env = 'LANGFUSE_PUBLIC_KEY=pk-pf-0123abcd\nLANGFUSE_SECRET_KEY=pf_abc_the-secret\nLANGFUSE_HOST=http://localhost\n';
        return HttpResponse.json({ ...keys[0], secret: 'pf_abc_the-secret', langfuse_env }, { status: 201 });
      }),
      http.delete(`*/api/v1/projects/${PID}/api-keys/${key.id}`, () => {
        keys = [{ ...key, revoked_at: '2025-01-02T00:00:00Z' }];
        return new HttpResponse(null, { status: 204 });
      }),
    );
    renderRoute(<ApiKeysPage />, { path: '/w/:workspaceId/p/:projectId/settings/api-keys', url: `/w/${WS}/p/${PID}/settings/api-keys` });
    expect(await screen.findByText('No API keys yet')).toBeInTheDocument();

    await userEvent.type(screen.getByLabelText('Key name'), 'ci');
    await userEvent.click(screen.getByRole('button', { name: 'Create API key' }));
    const dialog = await screen.findByRole('dialog', { name: 'API key created' });
    expect(within(dialog).getByLabelText('API key secret')).toHaveValue('pf_abc_the-secret');
    expect(within(dialog).getByRole('button', { name: 'Copy key' })).toBeInTheDocument();
    // Ready-to-paste lines for apps on the Langfuse SDK.
    expect(within(dialog).getByLabelText('Langfuse environment lines')).toHaveValue(
      'LANGFUSE_PUBLIC_KEY=pk-pf-0123abcd\nLANGFUSE_SECRET_KEY=pf_abc_the-secret\nLANGFUSE_HOST=http://localhost\n',
    );
    expect(within(dialog).getByRole('button', { name: 'Copy Langfuse lines' })).toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    // The secret is gone for good: only the prefix is listed.
    expect(screen.queryByText(/the-secret/)).not.toBeInTheDocument();
    expect(await screen.findByText('pf_abc…')).toBeInTheDocument();
    // The public key stays visible (it is not secret), with a copy button.
    expect(screen.getByText('pk-pf-0123abcd')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Copy public key of ci' })).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Revoke ci' }));
    await userEvent.click(within(screen.getByRole('dialog', { name: 'Revoke API key' })).getByRole('button', { name: 'Revoke key' }));
    expect(await screen.findByText('Revoked')).toBeInTheDocument();
  });

  it('validates the key name with the generated schema', async () => {
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(me)),
      http.get(`*/api/v1/projects/${PID}/api-keys`, () => HttpResponse.json({ items: [], next_cursor: null })),
    );
    renderRoute(<ApiKeysPage />, { path: '/w/:workspaceId/p/:projectId/settings/api-keys', url: `/w/${WS}/p/${PID}/settings/api-keys` });
    await userEvent.click(await screen.findByRole('button', { name: 'Create API key' }));
    expect(screen.getByLabelText('Key name')).toHaveAccessibleDescription('This field is required.');
  });
});
