import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '@/api/api-error';
import { meQueryOptions } from '@/api/session-queries';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { TextField } from '@/components/form-field';
import { serverFieldErrors, validate, type FieldErrors } from '@/lib/field-errors';
import { changePassword, passwordChangeSchema, type PasswordChangeInput } from '../api/auth-api';

const EMPTY = { current_password: '', new_password: '', confirm: '' };

/** The signed-in user's account: who they are and a password change form. */
export function AccountPage() {
  const me = useQuery(meQueryOptions());
  const [form, setForm] = useState(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const mutation = useMutation({
    mutationFn: (input: PasswordChangeInput) => changePassword(input),
    onSuccess: () => {
      setForm(EMPTY);
      setErrors({});
    },
    onError: (error) => setErrors(serverFieldErrors(error)),
  });

  const set = (key: keyof typeof EMPTY) => (event: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: event.target.value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = validate(
      passwordChangeSchema,
      { current_password: form.current_password, new_password: form.new_password },
      { current_password: 'Enter your current password.', new_password: 'At least 10 characters.' },
    );
    const found: FieldErrors = result.errors ?? {};
    if (form.confirm !== form.new_password) found.confirm = 'The two new passwords differ.';
    if (Object.keys(found).length > 0 || !result.data) return setErrors(found);
    setErrors({});
    mutation.reset();
    mutation.mutate(result.data);
  };

  const hasFieldErrors = Object.keys(errors).length > 0;
  return (
    <section aria-labelledby="account-heading" className="max-w-md space-y-6">
      <div>
        <h2 id="account-heading" className="text-lg font-semibold">
          Your account
        </h2>
        <p className="text-sm text-slate-600">
          {me.data?.user.display_name} · {me.data?.user.email}
        </p>
      </div>
      <form onSubmit={submit} noValidate aria-labelledby="password-heading" className="space-y-4 rounded-lg bg-white p-4 ring-1 ring-slate-200">
        <h3 id="password-heading" className="text-sm font-semibold text-slate-700">
          Change password
        </h3>
        {mutation.isError && !hasFieldErrors && <Alert>{errorMessage(mutation.error)}</Alert>}
        {mutation.isSuccess && (
          <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 ring-1 ring-emerald-200">
            Password changed. Every other session of your account was signed out.
          </p>
        )}
        <TextField label="Current password" type="password" autoComplete="current-password" value={form.current_password} onChange={set('current_password')} error={errors.current_password} required />
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          value={form.new_password}
          onChange={set('new_password')}
          error={errors.new_password}
          hint="At least 10 characters, mixing two kinds (letters, digits, symbols). Your other sessions will be signed out."
          required
        />
        <TextField label="Repeat new password" type="password" autoComplete="new-password" value={form.confirm} onChange={set('confirm')} error={errors.confirm} required />
        <Button type="submit" loading={mutation.isPending}>
          Change password
        </Button>
      </form>
    </section>
  );
}
