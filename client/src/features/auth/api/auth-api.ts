/** Sign-up, sign-in and sign-out requests with their form schemas (generated from the OpenAPI). */
import { authLogin, authLogout, authRegister } from '@/api/generated/sdk.gen';
import type { LoginRequest, UserCreate } from '@/api/generated/types.gen';
import { zLoginRequest, zUserCreate } from '@/api/generated/zod.gen';

export const signInSchema = zLoginRequest;
export type SignInInput = LoginRequest;

export const signUpSchema = zUserCreate;
export type SignUpInput = UserCreate;

export const signIn = async (body: SignInInput) => (await authLogin({ body, throwOnError: true })).data;
export const signUp = async (body: SignUpInput) => (await authRegister({ body, throwOnError: true })).data;
export const signOut = async () => {
  await authLogout({ throwOnError: true });
};
