import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { server } from '@/test/msw-server';
import { renderRoute } from '@/test/render';
import { InvitationsBanner } from './invitations-banner';

const WS = '11111111-1111-4111-8111-111111111111';
const invitation = {
  id: '44444444-4444-4444-8444-444444444444',
  workspace: { id: WS, name: 'Acme', slug: 'acme' },
  email: 'bob@example.com',
  role: 'editor',
  status: 'pending',
  invited_by: 'ada@example.com',
  created_at: '2025-01-01T00:00:00Z',
  expires_at: '2025-01-08T00:00:00Z',
};

describe('InvitationsBanner', () => {
  it('accepts an invitation and opens the workspace it joined', async () => {
    let pending = [invitation];
    let accepted = 0;
    server.use(
      http.get('*/api/v1/invitations', () => HttpResponse.json({ items: pending, next_cursor: null })),
      http.post(`*/api/v1/invitations/${invitation.id}/accept`, () => {
        accepted += 1;
        pending = [];
        return HttpResponse.json({ id: WS, name: 'Acme', slug: 'acme', is_personal: false, created_at: '2025-01-01T00:00:00Z', role: 'editor' });
      }),
    );
    const { router } = renderRoute(<InvitationsBanner />, { path: '/', url: '/', extra: [{ path: '/w/:workspaceId', element: <p>workspace page</p> }] });
    expect(await screen.findByText(/ada@example.com invited you to/)).toBeInTheDocument();
    expect(screen.getByText('Acme')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Accept invitation to Acme' }));
    await waitFor(() => expect(router.state.location.pathname).toBe(`/w/${WS}`));
    expect(accepted).toBe(1);
    expect(await screen.findByText('workspace page')).toBeInTheDocument();
  });

  it('declines an invitation, which then disappears', async () => {
    let pending = [invitation];
    server.use(
      http.get('*/api/v1/invitations', () => HttpResponse.json({ items: pending, next_cursor: null })),
      http.post(`*/api/v1/invitations/${invitation.id}/decline`, () => {
        pending = [];
        return new HttpResponse(null, { status: 204 });
      }),
    );
    renderRoute(<InvitationsBanner />);
    await userEvent.click(await screen.findByRole('button', { name: 'Decline invitation to Acme' }));
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Accept invitation to Acme' })).not.toBeInTheDocument());
  });

  it('shows nothing without invitations', async () => {
    server.use(http.get('*/api/v1/invitations', () => HttpResponse.json({ items: [], next_cursor: null })));
    const { container } = renderRoute(<InvitationsBanner />);
    await waitFor(() => expect(container).toBeEmptyDOMElement());
  });
});
