/** Project API keys: list, create (the secret is answered once), revoke. */
import { queryOptions } from '@tanstack/react-query';
import { apiKeysCreate, apiKeysList, apiKeysRevoke } from '@/api/generated/sdk.gen';
import type { ApiKey, ApiKeyCreate, ApiKeyCreated } from '@/api/generated/types.gen';
import { zApiKeyCreate } from '@/api/generated/zod.gen';

export type { ApiKey, ApiKeyCreate, ApiKeyCreated };

export const apiKeyKeys = { list: (projectId: string) => ['projects', projectId, 'api-keys'] as const };

export const apiKeysQueryOptions = (projectId: string) =>
  queryOptions({
    queryKey: apiKeyKeys.list(projectId),
    queryFn: async ({ signal }) => (await apiKeysList({ signal, path: { project_id: projectId }, query: { limit: 100 }, throwOnError: true })).data,
  });

export const apiKeyCreateSchema = zApiKeyCreate;

export const createApiKey = async (projectId: string, body: ApiKeyCreate) =>
  (await apiKeysCreate({ path: { project_id: projectId }, body, throwOnError: true })).data;
export const revokeApiKey = async (projectId: string, keyId: string) => {
  await apiKeysRevoke({ path: { project_id: projectId, key_id: keyId }, throwOnError: true });
};
