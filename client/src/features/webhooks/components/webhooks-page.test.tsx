import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { server } from '@/test/msw-server';
import { problem, PROBLEM_HEADERS, renderRoute } from '@/test/render';
import { WebhooksPage } from './webhooks-page';

const WS = '11111111-1111-4111-8111-111111111111';
const PID = '22222222-2222-4222-8222-222222222222';
const WID = '33333333-3333-4333-8333-333333333333';
const meAs = (role: string) => ({
  user: { id: 'u1', email: 'ada@example.com', display_name: 'Ada', created_at: '2025-01-01T00:00:00Z' },
  memberships: [{ workspace: { id: WS, name: 'W', slug: 'w' }, role }],
});
const hook = {
  id: WID,
  project_id: PID,
  url: 'https://hooks.example.com/pf',
  events: ['*'],
  active: true,
  description: 'CI',
  disabled_reason: null as string | null,
  consecutive_failures: 0,
  last_delivery_at: null,
  last_status: null,
  created_at: '2025-01-01T00:00:00Z',
  updated_at: '2025-01-01T00:00:00Z',
};
const delivery = {
  id: '44444444-4444-4444-8444-444444444444',
  webhook_id: WID,
  event_id: '55555555-5555-4555-8555-555555555555',
  event_type: 'webhook.test',
  status: 'succeeded',
  attempt: 1,
  status_code: 200,
  duration_ms: 12,
  error: null,
  response_excerpt: 'ok thanks',
  next_attempt_at: null,
  created_at: '2025-01-02T00:00:00Z',
  delivered_at: '2025-01-02T00:00:00Z',
};
const renderPage = () => renderRoute(<WebhooksPage />, { path: '/w/:workspaceId/p/:projectId/settings/webhooks', url: `/w/${WS}/p/${PID}/settings/webhooks` });

describe('WebhooksPage', () => {
  it('creates a webhook and shows its secret once, with a copy button and a warning', async () => {
    let hooks: (typeof hook)[] = [];
    let sent: unknown;
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(meAs('owner'))),
      http.get(`*/api/v1/projects/${PID}/webhooks`, () => HttpResponse.json({ items: hooks, next_cursor: null })),
      http.post(`*/api/v1/projects/${PID}/webhooks`, async ({ request }) => {
        sent = await request.json();
        hooks = [{ ...hook, events: ['label.moved'] }];
        return HttpResponse.json({ ...hooks[0], secret: 'whsec_c2VjcmV0LXNlY3JldA==' }, { status: 201 });
      }),
    );
    renderPage();
    expect(await screen.findByText('No webhooks yet')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'New webhook' }));
    const form = screen.getByRole('dialog', { name: 'New webhook' });
    await userEvent.type(within(form).getByLabelText('Payload URL'), 'https://hooks.example.com/pf');
    await userEvent.click(within(form).getByLabelText(/All events/));
    await userEvent.click(within(form).getByLabelText('label.moved'));
    await userEvent.click(within(form).getByRole('button', { name: 'Create webhook' }));

    const dialog = await screen.findByRole('dialog', { name: 'Webhook signing secret' });
    expect(within(dialog).getByRole('status')).toHaveTextContent('It will not be shown again.');
    expect(within(dialog).getByLabelText('Signing secret')).toHaveValue('whsec_c2VjcmV0LXNlY3JldA==');
    expect(within(dialog).getByRole('button', { name: 'Copy secret' })).toBeInTheDocument();
    expect(sent).toEqual({ url: 'https://hooks.example.com/pf', events: ['label.moved'], description: '', active: true });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(await screen.findByText('https://hooks.example.com/pf')).toBeInTheDocument();
    expect(screen.queryByText(/whsec_/)).not.toBeInTheDocument();
  });

  it('shows why the server disabled a webhook, sends a test event and lists deliveries', async () => {
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(meAs('admin'))),
      http.get(`*/api/v1/projects/${PID}/webhooks`, () =>
        HttpResponse.json({ items: [{ ...hook, active: false, disabled_reason: 'Disabled after 20 consecutive failed deliveries; last: HTTP 503' }], next_cursor: null }),
      ),
      http.post(`*/api/v1/projects/${PID}/webhooks/${WID}/test`, () => HttpResponse.json(delivery)),
      http.get(`*/api/v1/projects/${PID}/webhooks/${WID}/deliveries`, () => HttpResponse.json({ items: [delivery], next_cursor: null })),
    );
    renderPage();
    expect(await screen.findByTestId('disabled-reason')).toHaveTextContent('Disabled after 20 consecutive failed deliveries; last: HTTP 503');
    await userEvent.click(screen.getByRole('button', { name: `Send test event to ${hook.url}` }));
    expect(await screen.findByTestId('test-outcome')).toHaveTextContent('HTTP 200 in 12 ms');
    await userEvent.click(screen.getByRole('button', { name: `Deliveries of ${hook.url}` }));
    const table = await screen.findByRole('table', { name: 'Deliveries' });
    expect(within(table).getByRole('row', { name: /webhook\.test/ })).toHaveTextContent('succeeded');
    await userEvent.click(within(table).getByRole('button', { name: /Details of delivery/ }));
    expect(within(table).getByText('ok thanks')).toBeInTheDocument();
  });

  it('shows the server 422 on the URL field', async () => {
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(meAs('owner'))),
      http.get(`*/api/v1/projects/${PID}/webhooks`, () => HttpResponse.json({ items: [], next_cursor: null })),
      http.post(`*/api/v1/projects/${PID}/webhooks`, () =>
        HttpResponse.json(problem(422, 'Invalid webhook.', [{ loc: ['body', 'url'], msg: 'Private addresses are not allowed.', type: 'value_error' }]), {
          status: 422,
          headers: PROBLEM_HEADERS,
        }),
      ),
    );
    renderPage();
    await userEvent.click(await screen.findByRole('button', { name: 'New webhook' }));
    await userEvent.type(screen.getByLabelText('Payload URL'), 'http://10.0.0.1/hook');
    await userEvent.click(screen.getByRole('button', { name: 'Create webhook' }));
    expect(await screen.findByText('Private addresses are not allowed.')).toBeInTheDocument();
  });

  it('tells non-admins the page is for admins', async () => {
    server.use(http.get('*/api/v1/auth/me', () => HttpResponse.json(meAs('editor'))));
    renderPage();
    expect(await screen.findByText('Admins only')).toBeInTheDocument();
  });
});
