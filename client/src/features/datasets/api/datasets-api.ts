/**
 * One dataset: details, items page by page (any version), item writes, and file imports/exports.
 * Lists, create and from-run are shared with the playground in `src/api/dataset-queries.ts`.
 */
import { queryOptions } from '@tanstack/react-query';
import { datasetKeys } from '@/api/dataset-queries';
import {
  datasetItemsCreate,
  datasetItemsDelete,
  datasetItemsList,
  datasetItemsUpdate,
  datasetsDelete,
  datasetsGet,
  datasetsUpdate,
} from '@/api/generated/sdk.gen';
import type { DatasetUpdate, ItemCreate, ItemUpdate } from '@/api/generated/types.gen';

export type { ItemCreate, ItemUpdate };

export const ITEMS_PAGE_SIZE = 25;

const at = (projectId: string, name: string) => ({ project_id: projectId, name });

export const datasetQueryOptions = (projectId: string, name: string) =>
  queryOptions({
    queryKey: datasetKeys.detail(projectId, name),
    queryFn: async ({ signal }) => (await datasetsGet({ signal, path: at(projectId, name), throwOnError: true })).data,
  });

/** One page of items; `version` null means the current one, `cursor` null the first page. */
export const itemsPageQueryOptions = (projectId: string, name: string, version: number | null, cursor: string | null) =>
  queryOptions({
    queryKey: [...datasetKeys.items(projectId, name), { version, cursor }] as const,
    queryFn: async ({ signal }) =>
      (
        await datasetItemsList({
          signal,
          path: at(projectId, name),
          query: { version: version ?? undefined, cursor: cursor ?? undefined, limit: ITEMS_PAGE_SIZE },
          throwOnError: true,
        })
      ).data,
    placeholderData: (previous) => previous,
    // A past version never changes.
    staleTime: version === null ? 0 : Infinity,
  });

export const updateDataset = async (projectId: string, name: string, body: DatasetUpdate) =>
  (await datasetsUpdate({ path: at(projectId, name), body, throwOnError: true })).data;
export const deleteDataset = async (projectId: string, name: string) => {
  await datasetsDelete({ path: at(projectId, name), throwOnError: true });
};
export const addItem = async (projectId: string, name: string, item: ItemCreate) =>
  (await datasetItemsCreate({ path: at(projectId, name), body: { items: [item] }, throwOnError: true })).data;
export const updateItem = async (projectId: string, name: string, itemId: string, body: ItemUpdate) =>
  (await datasetItemsUpdate({ path: { ...at(projectId, name), item_id: itemId }, body, throwOnError: true })).data;
export const deleteItem = async (projectId: string, name: string, itemId: string) => {
  await datasetItemsDelete({ path: { ...at(projectId, name), item_id: itemId }, throwOnError: true });
};
