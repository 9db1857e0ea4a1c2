/**
 * The prompts the playground runs: the list to pick from, a prompt's labels, its versions (with
 * their templates) and "save the draft as a new version". Keys sit under the registry's
 * `['projects', id, 'prompts']` prefix, so invalidating it refreshes the registry pages too.
 */
import { queryOptions } from '@tanstack/react-query';
import { promptsCreateVersion, promptsGet, promptsList, promptsListVersions } from '@/api/generated/sdk.gen';
import type { VersionCreate } from '@/api/generated/types.gen';

export const promptSourceKeys = {
  prompts: (projectId: string) => ['projects', projectId, 'prompts'] as const,
  list: (projectId: string) => ['projects', projectId, 'prompts', 'playground', 'list'] as const,
  prompt: (projectId: string, name: string) => ['projects', projectId, 'prompts', 'playground', 'prompt', name] as const,
  versions: (projectId: string, name: string) => ['projects', projectId, 'prompts', 'playground', 'versions', name] as const,
};

export const promptPickerQueryOptions = (projectId: string) =>
  queryOptions({
    queryKey: promptSourceKeys.list(projectId),
    queryFn: async ({ signal }) => (await promptsList({ signal, path: { project_id: projectId }, query: { limit: 100 }, throwOnError: true })).data,
  });

export const promptSourceQueryOptions = (projectId: string, name: string) =>
  queryOptions({
    queryKey: promptSourceKeys.prompt(projectId, name),
    queryFn: async ({ signal }) => (await promptsGet({ signal, path: { project_id: projectId, name }, throwOnError: true })).data,
  });

export const promptVersionsQueryOptions = (projectId: string, name: string) =>
  queryOptions({
    queryKey: promptSourceKeys.versions(projectId, name),
    queryFn: async ({ signal }) =>
      (await promptsListVersions({ signal, path: { project_id: projectId, name }, query: { limit: 100 }, throwOnError: true })).data,
  });

export const saveDraftAsVersion = async (projectId: string, name: string, body: VersionCreate) =>
  (await promptsCreateVersion({ path: { project_id: projectId, name }, body, throwOnError: true })).data;
