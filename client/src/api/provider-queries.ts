/**
 * Provider connections of a project: managed by the provider settings page (admins), picked from
 * in the playground (any member, through the slimmer run-providers list). Both invalidate under
 * the same key prefix, so they live here, shared like session-queries.
 */
import { queryOptions } from '@tanstack/react-query';
import { providersList, runsListProviders } from './generated/sdk.gen';
import type { ModelPrice, Provider, RunProvider } from './generated/types.gen';

export type { ModelPrice, Provider, RunProvider };

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
  choices: (projectId: string) => ['projects', projectId, 'providers', 'choices'] as const,
};

export const providersQueryOptions = (projectId: string) =>
  queryOptions({
    queryKey: providerKeys.list(projectId),
    queryFn: async ({ signal }) => (await providersList({ signal, path: { project_id: projectId }, query: { limit: 100 }, throwOnError: true })).data,
  });

/** Providers a run can use (names, kinds, models): readable by every member, unlike the list above. */
export const runProvidersQueryOptions = (projectId: string) =>
  queryOptions({
    queryKey: providerKeys.choices(projectId),
    queryFn: async ({ signal }) => (await runsListProviders({ signal, path: { project_id: projectId }, query: { limit: 100 }, throwOnError: true })).data,
  });

/** A readable label for a provider in pickers: its name and, for echo, what it does. */
export function providerOptionLabel(provider: Pick<Provider, 'name' | 'kind'>): string {
  return provider.kind === 'echo' ? `${provider.name} — Echo (no model call)` : `${provider.name} — ${PROVIDER_KIND_LABELS[provider.kind] ?? provider.kind}`;
}
