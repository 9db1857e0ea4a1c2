/**
 * Provider connections (admins): create, delete and test a connection. The list query is shared
 * with the playground (`@/api/provider-queries`). Hand-written on `apiRequest` following
 * server/src/promptforge/providers/schemas.py until the routes are in the committed openapi.json.
 */
import { apiRequest } from '@/api/http';
import type { ModelPrice, Provider, ProviderKind } from '@/api/provider-queries';

export interface ProviderCreate {
  name: string;
  kind: ProviderKind;
  base_url?: string | null;
  api_key?: string | null;
  default_model?: string | null;
  models?: string[];
  pricing?: Record<string, ModelPrice>;
}

export interface ProviderTestResult {
  ok: boolean;
  models: string[] | null;
  latency_ms: number;
  error?: { code: string; message: string } | null;
}

export const createProvider = (projectId: string, body: ProviderCreate) =>
  apiRequest<Provider>(`/projects/${projectId}/providers`, { method: 'POST', body });

export const deleteProvider = async (projectId: string, providerId: string) => {
  await apiRequest<void>(`/projects/${projectId}/providers/${providerId}`, { method: 'DELETE' });
};

export const testProvider = (projectId: string, providerId: string) =>
  apiRequest<ProviderTestResult>(`/projects/${projectId}/providers/${providerId}/test`, { method: 'POST' });

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
