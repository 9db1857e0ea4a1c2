/** Sign-up, sign-in, sign-out and password change requests with their form schemas (generated from the OpenAPI). */
import { authChangePassword, authLogin, authLogout, authRegister } from '@/api/generated/sdk.gen';
import type { LoginRequest, PasswordChange, UserCreate } from '@/api/generated/types.gen';
import { zLoginRequest, zPasswordChange, zUserCreate } from '@/api/generated/zod.gen';

export const signInSchema = zLoginRequest;
export type SignInInput = LoginRequest;

export const signUpSchema = zUserCreate;
export type SignUpInput = UserCreate;

export const signIn = async (body: SignInInput) => (await authLogin({ body, throwOnError: true })).data;
export const signUp = async (body: SignUpInput) => (await authRegister({ body, throwOnError: true })).data;
export const signOut = async () => {
  await authLogout({ throwOnError: true });
};

export const passwordChangeSchema = zPasswordChange;
export type PasswordChangeInput = PasswordChange;

/** Change the password: every other session of the account ends, this one stays signed in. */
export const changePassword = async (body: PasswordChangeInput) => {
  await authChangePassword({ body, throwOnError: true });
};
