/**
 * Provider connections of a project: read by the playground (to pick one) and managed by the
 * provider settings page, so the list query and its key live here, shared like session-queries.
 * Hand-written on `apiRequest` following server/src/promptforge/providers/schemas.py until the
 * providers routes are in the committed openapi.json; then switch to the generated `providers*`.
 */
import { queryOptions } from '@tanstack/react-query';
import { apiRequest, type Page } from './http';

export const PROVIDER_KINDS = ['echo', 'openai', 'anthropic', 'openai_compatible'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** How the UI names each kind; echo says plainly that no model is called. */
export const PROVIDER_KIND_LABELS: Record<ProviderKind, string> = {
  echo: 'Echo (no model call)',
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  openai_compatible: 'OpenAI-compatible (Ollama, vLLM, …)',
};

export interface ModelPrice {
  input: number;
  output: number;
}

export interface Provider {
  id: string;
  project_id: string;
  name: string;
  kind: ProviderKind;
  label: string;
  base_url: string | null;
  api_key_last4: string | null;
  default_model: string | null;
  models: string[];
  pricing: Record<string, ModelPrice>;
  created_at: string;
  updated_at: string;
}

export const providerKeys = {
  all: (projectId: string) => ['projects', projectId, 'providers'] as const,
  list: (projectId: string) => ['projects', projectId, 'providers', 'list'] as const,
};

export const providersQueryOptions = (projectId: string) =>
  queryOptions({
    queryKey: providerKeys.list(projectId),
    queryFn: ({ signal }) => apiRequest<Page<Provider>>(`/projects/${projectId}/providers`, { query: { limit: 100 }, signal }),
  });

/** A readable label for a provider in pickers: its name and, for echo, what it does. */
export function providerOptionLabel(provider: Pick<Provider, 'name' | 'kind'>): string {
  return provider.kind === 'echo' ? `${provider.name} — Echo (no model call)` : `${provider.name} — ${PROVIDER_KIND_LABELS[provider.kind] ?? provider.kind}`;
}
