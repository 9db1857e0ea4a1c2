import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { server } from '@/test/msw-server';
import { renderRoute } from '@/test/render';
import { MembersPage } from './members-page';

const WS = '11111111-1111-4111-8111-111111111111';
const PID = '22222222-2222-4222-8222-222222222222';
const me = {
  user: { id: 'u1', email: 'ada@example.com', display_name: 'Ada', created_at: '2025-01-01T00:00:00Z' },
  memberships: [{ workspace: { id: WS, name: 'Acme', slug: 'acme' }, role: 'owner' }],
};
const owner = { user_id: 'u1', email: 'ada@example.com', display_name: 'Ada', role: 'owner', created_at: '2025-01-01T00:00:00Z' };

describe('MembersPage', () => {
  it('sends an invitation, lists it as pending (not as a member) and revokes it', async () => {
    type Invitation = { id: string; email: string; role: string; status: string };
    let invitations: Invitation[] = [];
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(me)),
      http.get(`*/api/v1/workspaces/${WS}/members`, () => HttpResponse.json({ items: [owner], next_cursor: null })),
      http.get(`*/api/v1/workspaces/${WS}/invitations`, () =>
        HttpResponse.json({
          items: invitations.map((i) => ({ ...i, workspace: me.memberships[0]!.workspace, invited_by: 'ada@example.com', created_at: '2025-01-01T00:00:00Z', expires_at: '2030-01-08T00:00:00Z' })),
          next_cursor: null,
        }),
      ),
      http.post(`*/api/v1/workspaces/${WS}/members`, async ({ request }) => {
        const body = (await request.json()) as { email: string; role: string };
        const created = { id: 'i1', email: body.email, role: body.role, status: 'pending' };
        invitations = [created];
        return HttpResponse.json({ ...created, workspace: me.memberships[0]!.workspace, invited_by: 'ada@example.com', created_at: '2025-01-01T00:00:00Z', expires_at: '2030-01-08T00:00:00Z' }, { status: 201 });
      }),
      http.delete(`*/api/v1/workspaces/${WS}/invitations/i1`, () => {
        invitations = [];
        return new HttpResponse(null, { status: 204 });
      }),
    );
    renderRoute(<MembersPage />, { path: '/w/:workspaceId/p/:projectId/settings/members', url: `/w/${WS}/p/${PID}/settings/members` });
    await userEvent.type(await screen.findByLabelText('Member email'), 'bob@example.com');
    await userEvent.click(screen.getByRole('button', { name: 'Send invitation' }));

    const pending = await screen.findByRole('region', { name: 'Pending invitations' });
    expect(within(pending).getByText('bob@example.com')).toBeInTheDocument();
    expect(screen.queryByRole('cell', { name: 'bob@example.com' })).not.toBeInTheDocument();

    await userEvent.click(within(pending).getByRole('button', { name: 'Revoke invitation of bob@example.com' }));
    await userEvent.click(within(screen.getByRole('dialog', { name: 'Revoke invitation' })).getByRole('button', { name: 'Revoke invitation' }));
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Pending invitations' })).not.toBeInTheDocument());
  });
});
