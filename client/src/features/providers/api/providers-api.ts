/**
 * Provider connections (admins): create, delete and test a connection, on the generated SDK. The
 * list query is shared with the playground (`@/api/provider-queries`).
 */
import { providersDelete, providersTest } from '@/api/generated/sdk.gen';
import type { ProviderCreate as GeneratedProviderCreate, ProviderTestResult } from '@/api/generated/types.gen';
import { apiRequest } from '@/api/http';
import type { Provider, ProviderKind } from '@/api/provider-queries';

export type { ProviderTestResult };

/**
 * The generator drops `writeOnly` strings inside `anyOf` (`api_key` is a pydantic SecretStr), so the
 * generated type says `api_key?: null`; the real field is a string. Create goes through `apiRequest`
 * with the corrected type until the schema or generator is fixed.
 */
export type ProviderCreate = Omit<GeneratedProviderCreate, 'api_key'> & { api_key?: string | null };

export const createProvider = (projectId: string, body: ProviderCreate) =>
  apiRequest<Provider>(`/projects/${projectId}/providers`, { method: 'POST', body });

export const deleteProvider = async (projectId: string, providerId: string) => {
  await providersDelete({ path: { project_id: projectId, provider_id: providerId }, throwOnError: true });
};

export const testProvider = async (projectId: string, providerId: string) =>
  (await providersTest({ path: { project_id: projectId, provider_id: providerId }, throwOnError: true })).data;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._ -]{0,63}$/;

/** Client-side checks mirroring the server's rules; field → message. */
export function checkProviderForm(form: { name: string; kind: ProviderKind; baseUrl: string; apiKey: string }): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!form.name.trim()) errors.name = 'This field is required.';
  else if (!NAME.test(form.name.trim())) errors.name = 'Letters, digits, space, ".", "_" and "-"; start with a letter or digit (max 64).';
  if (form.kind !== 'echo' && form.baseUrl.trim()) {
    try {
      const url = new URL(form.baseUrl.trim());
      if (url.protocol !== 'http:' && url.protocol !== 'https:') errors.base_url = 'Use an http:// or https:// URL.';
    } catch {
      errors.base_url = 'Use an http:// or https:// URL.';
    }
  }
  if (form.kind === 'openai_compatible' && !form.baseUrl.trim()) errors.base_url = 'Required, e.g. http://localhost:11434/v1 for Ollama.';
  if ((form.kind === 'openai' || form.kind === 'anthropic') && !form.apiKey) errors.api_key = 'This provider needs an API key.';
  return errors;
}
