import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { server } from '@/test/msw-server';
import { problem, PROBLEM_HEADERS, renderRoute } from '@/test/render';
import { DeployPolicyPage } from './deploy-policy-page';
import { DeploymentsPage } from './deployments-page';

const WS = '11111111-1111-4111-8111-111111111111';
const PID = '22222222-2222-4222-8222-222222222222';
const meAs = (id: string, role: string) => ({
  user: { id, email: `${id}@example.com`, display_name: id, created_at: '2025-01-01T00:00:00Z' },
  memberships: [{ workspace: { id: WS, name: 'W', slug: 'w' }, role }],
});
const base = {
  project_id: PID,
  prompt: 'greet',
  label: 'production',
  from_version: 1,
  to_version: 2,
  rollback: false,
  evaluation_id: null as string | null,
  requested_by: 'ada@example.com',
  requested_by_user_id: 'ada',
  requested_at: '2025-01-02T00:00:00Z',
  decided_by: null as string | null,
  decided_at: null as string | null,
  comment: null as string | null,
};
const pending = { ...base, id: 'd-pending', status: 'pending' };
const deployed = { ...base, id: 'd-old', status: 'deployed', to_version: 1, from_version: null, rollback: true, evaluation_id: 'e1' };

function listHandler(items: object[]) {
  return http.get(`*/api/v1/projects/${PID}/deployments`, ({ request }) => {
    const status = new URL(request.url).searchParams.get('status');
    return HttpResponse.json({ items: items.filter((d) => !status || (d as { status: string }).status === status), next_cursor: null });
  });
}
const renderDeployments = () =>
  renderRoute(<DeploymentsPage />, { path: '/w/:workspaceId/p/:projectId/deployments', url: `/w/${WS}/p/${PID}/deployments` });

describe('DeploymentsPage', () => {
  it('lists pending first and disables approving your own request', async () => {
    server.use(http.get('*/api/v1/auth/me', () => HttpResponse.json(meAs('ada', 'owner'))), listHandler([deployed, pending]));
    renderDeployments();
    const table = await screen.findByRole('table', { name: 'Deployments' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows[0]).toHaveTextContent('pending');
    expect(rows[1]).toHaveTextContent('deployed');
    expect(rows[1]).toHaveTextContent('rollback');
    expect(within(rows[1]!).getByRole('link', { name: 'Evaluation' })).toHaveAttribute('href', `/w/${WS}/p/${PID}/evaluations/e1`);
    await waitFor(() => expect(within(rows[0]!).getByRole('button', { name: /^Approve/ })).toBeDisabled());
    expect(within(rows[0]!).getByRole('button', { name: /^Reject/ })).toBeDisabled();
    expect(rows[0]).toHaveTextContent('Another admin must approve');
  });

  it('lets another admin approve with a comment', async () => {
    let sent: unknown;
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(meAs('grace', 'admin'))),
      listHandler([pending]),
      http.post(`*/api/v1/projects/${PID}/deployments/d-pending/approve`, async ({ request }) => {
        sent = await request.json();
        return HttpResponse.json({ ...pending, status: 'approved', decided_by: 'grace@example.com' });
      }),
    );
    renderDeployments();
    const approve = await screen.findByRole('button', { name: 'Approve production of greet to v2' });
    await waitFor(() => expect(approve).toBeEnabled());
    await userEvent.click(approve);
    const dialog = screen.getByRole('dialog', { name: 'Approve deployment' });
    await userEvent.type(within(dialog).getByLabelText('Comment (optional)'), 'looks good');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(sent).toEqual({ comment: 'looks good' });
  });

  it('shows why the server refused an approval (gate re-check, own request)', async () => {
    let answer = 'gate';
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(meAs('grace', 'admin'))),
      listHandler([pending]),
      http.post(`*/api/v1/projects/${PID}/deployments/d-pending/approve`, () =>
        answer === 'gate'
          ? HttpResponse.json(
              { ...problem(409, 'No completed evaluation of greet v2 on support-qa.', [], 'deploy_gate_failed'), reason: 'no_evaluation', best_evaluation: null, requirement: null },
              { status: 409, headers: PROBLEM_HEADERS },
            )
          : HttpResponse.json(problem(403, 'You requested this deployment: another admin must approve it.', [], 'approval_by_requester'), { status: 403, headers: PROBLEM_HEADERS }),
      ),
    );
    renderDeployments();
    const approve = await screen.findByRole('button', { name: 'Approve production of greet to v2' });
    await waitFor(() => expect(approve).toBeEnabled());
    await userEvent.click(approve);
    const dialog = screen.getByRole('dialog', { name: 'Approve deployment' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Approve' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('No passing evaluation of this version');
    expect(alert).toHaveTextContent('No completed evaluation of greet v2 on support-qa.');
    answer = 'own';
    await userEvent.click(within(dialog).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(within(dialog).getByRole('alert')).toHaveTextContent('another admin must approve it'));
  });
});

describe('DeployPolicyPage', () => {
  const renderPolicy = () =>
    renderRoute(<DeployPolicyPage />, { path: '/w/:workspaceId/p/:projectId/settings/deploy-policy', url: `/w/${WS}/p/${PID}/settings/deploy-policy` });
  const datasets = http.get(`*/api/v1/projects/${PID}/datasets`, () =>
    HttpResponse.json({ items: [{ name: 'support-qa' }], next_cursor: null }),
  );

  it('saves a gate with PUT and shows the server 422 next to the field', async () => {
    const bodies: unknown[] = [];
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(meAs('ada', 'owner'))),
      http.get(`*/api/v1/projects/${PID}/deploy-policy`, () => HttpResponse.json({ labels: {}, updated_at: null, updated_by: null })),
      datasets,
      http.put(`*/api/v1/projects/${PID}/deploy-policy`, async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json(
          problem(422, 'Invalid deploy policy.', [{ loc: ['body', 'labels', 'production', 'require_evaluation', 'dataset'], msg: 'No dataset named support-qa in this project.', type: 'value_error' }]),
          { status: 422, headers: PROBLEM_HEADERS },
        );
      }),
    );
    renderPolicy();
    await userEvent.type(await screen.findByLabelText('Gate another label'), 'production');
    await userEvent.click(screen.getByRole('button', { name: 'Add gate' }));
    await userEvent.click(screen.getByLabelText('Require a passing evaluation'));
    await userEvent.selectOptions(await screen.findByLabelText('Dataset for production'), 'support-qa');
    const rate = screen.getByLabelText('Minimum pass rate (%) for production');
    await userEvent.clear(rate);
    await userEvent.type(rate, '85');
    await userEvent.type(screen.getByLabelText('Maximum age (hours) for production'), '168');
    await userEvent.click(screen.getByLabelText('Require approval'));
    await userEvent.click(screen.getByRole('button', { name: 'Save deploy policy' }));
    expect(await screen.findByText('No dataset named support-qa in this project.')).toBeInTheDocument();
    expect(bodies[0]).toEqual({
      labels: {
        production: {
          require_evaluation: { dataset: 'support-qa', dataset_version: null, min_pass_rate: 0.85, max_age_hours: 168 },
          require_approval: true,
          allow_rollback: true,
        },
      },
    });
  });

  it('is read-only for editors', async () => {
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(meAs('bob', 'editor'))),
      http.get(`*/api/v1/projects/${PID}/deploy-policy`, () =>
        HttpResponse.json({ labels: { production: { require_evaluation: null, require_approval: true, allow_rollback: true } }, updated_at: '2025-01-01T00:00:00Z', updated_by: 'ada@example.com' }),
      ),
      datasets,
    );
    renderPolicy();
    expect(await screen.findByText(/Only admins and owners can change the deploy policy/)).toBeInTheDocument();
    expect(await screen.findByLabelText('Require approval')).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'Save deploy policy' })).not.toBeInTheDocument();
  });
});
