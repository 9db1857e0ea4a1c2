import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { errorMessage } from '@/api/api-error';
import { sessionKeys } from '@/api/session-queries';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { TextField } from '@/components/form-field';
import { serverFieldErrors, validate, type FieldErrors } from '@/lib/field-errors';
import { paths } from '@/lib/paths';
import { signIn, signUp, signUpSchema, type SignUpInput } from '../api/auth-api';
import { AuthCard } from './auth-card';

export function SignUpPage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<SignUpInput>({ email: '', password: '', display_name: '' });
  const [errors, setErrors] = useState<FieldErrors>({});

  const mutation = useMutation({
    // Registration does not open a session: sign in right away with the same credentials.
    mutationFn: async (input: SignUpInput) => {
      await signUp(input);
      await signIn({ email: input.email, password: input.password });
    },
    onSuccess: async () => {
      queryClient.clear();
      await queryClient.invalidateQueries({ queryKey: sessionKeys.me });
      void navigate('/', { replace: true });
    },
    onError: (error) => setErrors(serverFieldErrors(error)),
  });

  const set = (key: keyof SignUpInput) => (event: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: event.target.value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = validate(signUpSchema, form);
    if (result.errors) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    mutation.mutate(result.data);
  };

  const failure = mutation.error;
  const hasFieldErrors = Object.keys(errors).length > 0;
  return (
    <AuthCard
      title="Create your account"
      footer={
        <>
          Already have an account?{' '}
          <Link to={paths.signIn} className="font-medium text-indigo-600 hover:underline">
            Sign in
          </Link>
        </>
      }
    >
      <form onSubmit={submit} noValidate className="space-y-4">
        {failure && !hasFieldErrors && <Alert>{errorMessage(failure)}</Alert>}
        <TextField label="Display name" autoComplete="name" value={form.display_name} onChange={set('display_name')} error={errors.display_name} required autoFocus />
        <TextField label="Email" type="email" autoComplete="email" value={form.email} onChange={set('email')} error={errors.email} required />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          value={form.password}
          onChange={set('password')}
          error={errors.password}
          hint="At least 10 characters."
          required
        />
        <Button type="submit" className="w-full" loading={mutation.isPending}>
          Sign up
        </Button>
      </form>
    </AuthCard>
  );
}
