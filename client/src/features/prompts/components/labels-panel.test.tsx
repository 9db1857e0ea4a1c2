import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { server } from '@/test/msw-server';
import { problem, PROBLEM_HEADERS, renderRoute } from '@/test/render';
import { LabelsPanel } from './labels-panel';

const panel = (role: string, labels: Record<string, number> = { staging: 1, production: 1 }) => (
  <LabelsPanel workspaceId="w1" projectId="p1" name="greet" labels={labels} latest={2} protectedLabels={['production']} role={role} />
);

describe('LabelsPanel', () => {
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
