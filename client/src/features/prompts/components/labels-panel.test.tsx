import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { server } from '@/test/msw-server';
import { problem, PROBLEM_HEADERS, renderRoute } from '@/test/render';
import { LabelsPanel } from './labels-panel';

const panel = (role: string, labels: Record<string, number> = { staging: 1, production: 1 }) => (
  <LabelsPanel workspaceId="w1" projectId="p1" name="greet" labels={labels} latest={2} protectedLabels={['production']} role={role} />
);

const gatedPolicy = {
  labels: { production: { require_evaluation: { dataset: 'support-qa', dataset_version: null, min_pass_rate: 0.9, max_age_hours: 168 }, require_approval: true, allow_rollback: true } },
  updated_at: '2025-01-01T00:00:00Z',
  updated_by: 'ada@example.com',
};
const deployment = {
  id: 'd1',
  project_id: 'p1',
  prompt: 'greet',
  label: 'production',
  from_version: 1,
  to_version: 2,
  status: 'pending',
  rollback: false,
  evaluation_id: null,
  requested_by: 'ada@example.com',
  requested_by_user_id: 'u1',
  requested_at: '2025-01-02T00:00:00Z',
  decided_by: null,
  decided_at: null,
  comment: null,
};

describe('LabelsPanel', () => {
  beforeEach(() => {
    server.use(
      http.get('*/api/v1/projects/p1/deploy-policy', () => HttpResponse.json({ labels: {}, updated_at: null, updated_by: null })),
      http.get('*/api/v1/projects/p1/deployments', () => HttpResponse.json({ items: [], next_cursor: null })),
    );
  });

  it('explains a move the deploy gate refuses and links the best evaluation', async () => {
    server.use(
      http.get('*/api/v1/projects/p1/deploy-policy', () => HttpResponse.json(gatedPolicy)),
      http.put('*/api/v1/projects/p1/prompts/greet/labels/production', () =>
        HttpResponse.json(
          {
            ...problem(409, 'The best evaluation of greet v2 on support-qa passed 82% (needs 90%).', [], 'deploy_gate_failed'),
            reason: 'pass_rate_too_low',
            best_evaluation: { id: 'e-best', pass_rate: 0.82, dataset_version: 3, finished_at: '2025-01-02T00:00:00Z' },
            requirement: gatedPolicy.labels.production.require_evaluation,
          },
          { status: 409, headers: PROBLEM_HEADERS },
        ),
      ),
    );
    renderRoute(panel('admin'));
    expect(await screen.findByText('gated')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Move production' }));
    const dialog = screen.getByRole('dialog', { name: 'Move production' });
    expect(dialog).toHaveTextContent('This label requires approval');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Move label' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('Blocked by the deploy gate: Pass rate below the minimum');
    expect(within(alert).getByTestId('gate-failure-detail')).toHaveTextContent('passed 82% (needs 90%)');
    expect(within(alert).getByRole('link', { name: /82%/ })).toHaveAttribute('href', '/w/w1/p/p1/evaluations/e-best');
    // The gate's message replaces the generic error line, it is not shown twice.
    expect(within(dialog).getAllByRole('alert')).toHaveLength(1);
  });

  it('shows "Awaiting approval" with a link to the deployment after a 202', async () => {
    let pendingNow = false;
    server.use(
      http.get('*/api/v1/projects/p1/deploy-policy', () => HttpResponse.json(gatedPolicy)),
      http.get('*/api/v1/projects/p1/deployments', () => HttpResponse.json({ items: pendingNow ? [deployment] : [], next_cursor: null })),
      http.put('*/api/v1/projects/p1/prompts/greet/labels/production', () => {
        pendingNow = true;
        return HttpResponse.json(deployment, { status: 202 });
      }),
      http.get('*/api/v1/projects/p1/prompts*', () => HttpResponse.json({ items: [], next_cursor: null })),
    );
    renderRoute(panel('admin'));
    await userEvent.click(await screen.findByRole('button', { name: 'Move production' }));
    await userEvent.click(screen.getByRole('button', { name: 'Move label' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const awaiting = await screen.findByTestId('awaiting-production');
    expect(awaiting).toHaveTextContent('Moving production to v2 needs a second admin to approve.');
    expect(within(awaiting).getByRole('link', { name: 'View the deployment' })).toHaveAttribute('href', '/w/w1/p/p1/deployments?deployment=d1');
    // The label itself has not moved.
    expect(screen.getByTestId('label-current-production')).toHaveTextContent('v1');
  });

  it('confirms a move with from→to and sends PUT with the version', async () => {
    let sent: unknown;
    server.use(
      http.put('*/api/v1/projects/p1/prompts/greet/labels/staging', async ({ request }) => {
        sent = await request.json();
        return HttpResponse.json({ label: 'staging', version: 2 });
      }),
      http.get('*/api/v1/projects/p1/prompts*', () => HttpResponse.json({ items: [], next_cursor: null })),
    );
    renderRoute(panel('editor'));
    await userEvent.click(await screen.findByRole('button', { name: 'Move staging' }));
    const dialog = screen.getByRole('dialog', { name: 'Move staging' });
    expect(within(dialog).getByTestId('move-from')).toHaveTextContent('v1');
    expect(within(dialog).getByTestId('move-to')).toHaveTextContent('v2');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Move label' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(sent).toEqual({ version: 2 });
  });

  it('disables protected labels for editors and allows them for admins', async () => {
    const { unmount } = renderRoute(panel('editor'));
    expect(await screen.findByRole('button', { name: 'Move production' })).toBeDisabled();
    expect(screen.getByText('Only admins and owners can move production.')).toBeInTheDocument();
    unmount();
    renderRoute(panel('admin'));
    expect(await screen.findByRole('button', { name: 'Move production' })).toBeEnabled();
  });

  it('shows the server refusal inside the dialog', async () => {
    server.use(
      http.put('*/api/v1/projects/p1/prompts/greet/labels/staging', () =>
        HttpResponse.json(problem(403, 'You cannot move this label.', [], 'forbidden'), { status: 403, headers: PROBLEM_HEADERS }),
      ),
    );
    renderRoute(panel('editor'));
    await userEvent.click(await screen.findByRole('button', { name: 'Move staging' }));
    await userEvent.click(screen.getByRole('button', { name: 'Move label' }));
    expect(await within(screen.getByRole('dialog')).findByRole('alert')).toHaveTextContent('You cannot move this label.');
  });

  it('labels a move to an older version as a rollback', async () => {
    renderRoute(panel('admin', { production: 2 }));
    const select = await screen.findByLabelText('Version for production');
    await userEvent.selectOptions(select, '1');
    await userEvent.click(screen.getByRole('button', { name: 'Move production' }));
    expect(screen.getByRole('dialog', { name: 'Roll back production' })).toBeInTheDocument();
  });

  it('removes a label after a confirmation, with DELETE', async () => {
    let deleted = false;
    server.use(
      http.delete('*/api/v1/projects/p1/prompts/greet/labels/staging', () => {
        deleted = true;
        return new HttpResponse(null, { status: 204 });
      }),
    );
    renderRoute(panel('editor'));
    expect(screen.queryByRole('button', { name: 'Remove label canary' })).not.toBeInTheDocument();
    expect(await screen.findByRole('button', { name: 'Remove label production' })).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Remove label staging' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove label staging' });
    expect(within(dialog).getByTestId('move-from')).toHaveTextContent('v1');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Remove label' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(deleted).toBe(true);
  });

  it('explains an invalid new label name', async () => {
    renderRoute(panel('editor'));
    await userEvent.type(await screen.findByLabelText('New label'), 'Not Valid');
    await userEvent.click(screen.getByRole('button', { name: 'Add label at v2' }));
    expect(await screen.findByText(/Lowercase letters, digits/)).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });
});
