/**
 * Datasets of a project as other features need them: the list (the playground's "Add to dataset"
 * picks from it), creating one, and adding a playground run as an item. The datasets pages use
 * these too, so invalidating `datasetKeys.all` refreshes every view of them.
 */
import { queryOptions } from '@tanstack/react-query';
import { datasetItemsFromRun, datasetsCreate, datasetsList } from './generated/sdk.gen';
import type { Dataset, DatasetCreate, DatasetItem } from './generated/types.gen';
import { zDatasetCreate } from './generated/zod.gen';

export type { Dataset, DatasetCreate, DatasetItem };

export const datasetCreateSchema = zDatasetCreate;
export const datasetNameMessage = 'Lowercase letters, digits, ".", "_" and "-"; start with a letter or digit (max 128).';

export const datasetKeys = {
  all: (projectId: string) => ['projects', projectId, 'datasets'] as const,
  list: (projectId: string, q = '') => ['projects', projectId, 'datasets', 'list', q] as const,
  detail: (projectId: string, name: string) => ['projects', projectId, 'datasets', 'detail', name] as const,
  items: (projectId: string, name: string) => ['projects', projectId, 'datasets', 'detail', name, 'items'] as const,
};

export const datasetsQueryOptions = (projectId: string, q = '') =>
  queryOptions({
    queryKey: datasetKeys.list(projectId, q),
    queryFn: async ({ signal }) =>
      (await datasetsList({ signal, path: { project_id: projectId }, query: { q: q || undefined, limit: 100 }, throwOnError: true })).data,
    placeholderData: (previous) => previous,
  });

export const createDataset = async (projectId: string, body: DatasetCreate) =>
  (await datasetsCreate({ path: { project_id: projectId }, body, throwOnError: true })).data;

/** The run's variables become the item's input, its output the expected value. */
export const addRunToDataset = async (projectId: string, name: string, runId: string) =>
  (await datasetItemsFromRun({ path: { project_id: projectId, name }, body: { run_id: runId }, throwOnError: true })).data;
