import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { errorMessage, isApiError } from '@/api/api-error';
import { sessionKeys } from '@/api/session-queries';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { TextField } from '@/components/form-field';
import { serverFieldErrors, validate, type FieldErrors } from '@/lib/field-errors';
import { paths } from '@/lib/paths';
import { signIn, signInSchema } from '../api/auth-api';
import { usePostAuthRedirect } from '../hooks/use-post-auth-redirect';
import { AuthCard } from './auth-card';

export function SignInPage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const next = usePostAuthRedirect();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});

  // Nothing of a previous session stays in memory on the sign-in page (sign-out lands here).
  useEffect(() => {
    queryClient.clear();
  }, [queryClient]);

  const mutation = useMutation({
    mutationFn: signIn,
    onSuccess: async () => {
      queryClient.clear();
      await queryClient.invalidateQueries({ queryKey: sessionKeys.me });
      void navigate(next, { replace: true });
    },
    onError: (error) => setErrors(serverFieldErrors(error)),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = validate(signInSchema, { email, password });
    if (result.errors) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    mutation.mutate(result.data);
  };

  const failure = mutation.error;
  return (
    <AuthCard
      title="Sign in"
      footer={
        <>
          New to Prompt-Forge?{' '}
          <Link to={paths.signUp} className="font-medium text-indigo-600 hover:underline">
            Create an account
          </Link>
        </>
      }
    >
      <form onSubmit={submit} noValidate className="space-y-4">
        {failure && (
          <Alert>
            {isApiError(failure) && failure.status === 401
              ? 'Email or password is incorrect.'
              : isApiError(failure) && failure.status === 429
                ? 'Too many attempts. Wait a moment and try again.'
                : errorMessage(failure)}
          </Alert>
        )}
        <TextField label="Email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.email} required autoFocus />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
          required
        />
        <Button type="submit" className="w-full" loading={mutation.isPending}>
          Sign in
        </Button>
      </form>
    </AuthCard>
  );
}
