/**
 * Provider connections of a project: read by the playground (to pick one) and managed by the
 * provider settings page, so the list query and its key live here, shared like session-queries.
 */
import { queryOptions } from '@tanstack/react-query';
import { providersList } from './generated/sdk.gen';
import type { ModelPrice, Provider } from './generated/types.gen';

export type { ModelPrice, Provider };

export type ProviderKind = Provider['kind'];
export const PROVIDER_KINDS: readonly ProviderKind[] = ['echo', 'openai', 'anthropic', 'openai_compatible'];

/** How the UI names each kind; echo says plainly that no model is called. */
export const PROVIDER_KIND_LABELS: Record<ProviderKind, string> = {
  echo: 'Echo (no model call)',
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  openai_compatible: 'OpenAI-compatible (Ollama, vLLM, …)',
};

export const providerKeys = {
  all: (projectId: string) => ['projects', projectId, 'providers'] as const,
  list: (projectId: string) => ['projects', projectId, 'providers', 'list'] as const,
};

export const providersQueryOptions = (projectId: string) =>
  queryOptions({
    queryKey: providerKeys.list(projectId),
    queryFn: async ({ signal }) => (await providersList({ signal, path: { project_id: projectId }, query: { limit: 100 }, throwOnError: true })).data,
  });

/** A readable label for a provider in pickers: its name and, for echo, what it does. */
export function providerOptionLabel(provider: Pick<Provider, 'name' | 'kind'>): string {
  return provider.kind === 'echo' ? `${provider.name} — Echo (no model call)` : `${provider.name} — ${PROVIDER_KIND_LABELS[provider.kind] ?? provider.kind}`;
}
