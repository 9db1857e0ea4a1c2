import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { server } from '@/test/msw-server';
import { PROBLEM_HEADERS, problem, renderRoute } from '@/test/render';
import { AccountPage } from './account-page';

const me = {
  user: { id: 'u1', email: 'ada@example.com', display_name: 'Ada', created_at: '2025-01-01T00:00:00Z' },
  memberships: [],
};

async function fill(current: string, next: string, repeat = next) {
  await userEvent.type(screen.getByLabelText('Current password'), current);
  await userEvent.type(screen.getByLabelText('New password'), next);
  await userEvent.type(screen.getByLabelText('Repeat new password'), repeat);
  await userEvent.click(screen.getByRole('button', { name: 'Change password' }));
}

describe('AccountPage', () => {
  it('changes the password and empties the form', async () => {
    let sent: unknown = null;
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(me)),
      http.post('*/api/v1/auth/me/password', async ({ request }) => {
        sent = await request.json();
        return new HttpResponse(null, { status: 204 });
      }),
    );
    renderRoute(<AccountPage />);
    expect(await screen.findByText(/ada@example.com/)).toBeInTheDocument();
    await fill('Old-password-1', 'New-password-22');
    await screen.findByText('Password changed. Every other session of your account was signed out.');
    expect(sent).toEqual({ current_password: 'Old-password-1', new_password: 'New-password-22' });
    expect(screen.getByLabelText('Current password')).toHaveValue('');
  });

  it('refuses differing new passwords before sending anything', async () => {
    let called = false;
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(me)),
      http.post('*/api/v1/auth/me/password', () => {
        called = true;
        return new HttpResponse(null, { status: 204 });
      }),
    );
    renderRoute(<AccountPage />);
    await fill('Old-password-1', 'New-password-22', 'New-password-23');
    expect(screen.getByLabelText('Repeat new password')).toHaveAccessibleDescription('The two new passwords differ.');
    expect(called).toBe(false);
  });

  it("shows the server's answer on the current password field", async () => {
    server.use(
      http.get('*/api/v1/auth/me', () => HttpResponse.json(me)),
      http.post('*/api/v1/auth/me/password', () =>
        HttpResponse.json(
          problem(422, 'The password is incorrect.', [{ loc: ['body', 'current_password'], msg: 'The password is incorrect.', type: 'wrong_password' }], 'wrong_password'),
          { status: 422, headers: PROBLEM_HEADERS },
        ),
      ),
    );
    renderRoute(<AccountPage />);
    await fill('Wrong-password-1', 'New-password-22');
    expect(await screen.findByText('The password is incorrect.')).toBeInTheDocument();
    expect(screen.getByLabelText('Current password')).toHaveAccessibleDescription('The password is incorrect.');
  });
});
