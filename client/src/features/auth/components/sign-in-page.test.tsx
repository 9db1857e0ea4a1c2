import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { server } from '@/test/msw-server';
import { problem, PROBLEM_HEADERS, renderRoute } from '@/test/render';
import { SignInPage } from './sign-in-page';
import { SignUpPage } from './sign-up-page';

describe('SignInPage', () => {
  it('validates before sending and shows errors beside the fields', async () => {
    renderRoute(<SignInPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Sign in' }));
    expect(screen.getByLabelText('Email')).toHaveAccessibleDescription('Enter a valid email address.');
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('This field is required.');
  });

  it('says when the credentials are wrong', async () => {
    server.use(http.post('*/api/v1/auth/login', () => HttpResponse.json(problem(401, 'Invalid credentials'), { status: 401, headers: PROBLEM_HEADERS })));
    renderRoute(<SignInPage />);
    await userEvent.type(await screen.findByLabelText('Email'), 'ada@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'wrong-password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Email or password is incorrect.');
  });

  it('signs in and goes to the next page', async () => {
    let body: unknown;
    server.use(
      http.post('*/api/v1/auth/login', async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ id: 'u1', email: 'ada@example.com', display_name: 'Ada', created_at: '2025-01-01T00:00:00Z' });
      }),
    );
    const { router } = renderRoute(<SignInPage />, { path: '/sign-in', url: '/sign-in?next=%2Fw%2F1', extra: [{ path: '/w/1', element: <p>workspace</p> }] });
    await userEvent.type(await screen.findByLabelText('Email'), 'ada@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse battery');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('workspace')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/w/1');
    expect(body).toEqual({ email: 'ada@example.com', password: 'correct horse battery' });
  });
});

describe('SignUpPage', () => {
  it('shows the server’s problem+json field errors beside the fields', async () => {
    server.use(
      http.post('*/api/v1/auth/register', () =>
        HttpResponse.json(problem(409, 'Email already registered', [{ loc: ['body', 'email'], msg: 'This email is already registered.', type: 'conflict' }]), {
          status: 409,
          headers: PROBLEM_HEADERS,
        }),
      ),
    );
    renderRoute(<SignUpPage />);
    await userEvent.type(await screen.findByLabelText('Display name'), 'Ada');
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'long enough password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign up' }));
    expect(await screen.findByText('This email is already registered.')).toBeInTheDocument();
    expect(screen.getByLabelText('Email')).toHaveAttribute('aria-invalid', 'true');
  });

  it('requires a 10-character password (generated zod schema)', async () => {
    renderRoute(<SignUpPage />);
    await userEvent.type(await screen.findByLabelText('Display name'), 'Ada');
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'short');
    await userEvent.click(screen.getByRole('button', { name: 'Sign up' }));
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('Use at least 10 characters.');
  });
});
