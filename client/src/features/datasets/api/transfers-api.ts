/**
 * File imports and exports of a dataset (jobs on the server): upload a file (multipart), read an
 * import's progress and rejected rows, start an export and read its download link. Reads use the
 * generated SDK; the upload goes through `apiFetch` with a `FormData` body, so it streams the file,
 * carries the CSRF header and gets the refresh-on-401 retry like every request.
 */
import { ApiError, toApiError } from '@/api/api-error';
import { datasetExportsCreate, datasetExportsGet, datasetImportsGet, datasetImportsList } from '@/api/generated/sdk.gen';
import type { DatasetExport, DatasetImport, ImportRowError } from '@/api/generated/types.gen';
import { apiFetch, apiUrl } from '@/api/http';

export type { DatasetExport, DatasetImport, ImportRowError };
export type TransferStatus = DatasetImport['status'];
export type ExportFormat = DatasetExport['format'];

const at = (projectId: string, name: string) => ({ project_id: projectId, name });

/** Upload `file` (CSV, JSONL or JSON; format from its extension) → 202 with the queued import. */
export async function startImport(projectId: string, name: string, file: File, strict: boolean): Promise<DatasetImport> {
  const form = new FormData();
  form.append('file', file, file.name);
  let response: Response;
  try {
    response = await apiFetch(apiUrl(`/projects/${projectId}/datasets/${encodeURIComponent(name)}/imports`, { strict: strict ? 'true' : undefined }), {
      method: 'POST',
      headers: { Accept: 'application/json, application/problem+json' },
      body: form,
    });
  } catch {
    throw new ApiError({ type: 'about:blank', title: 'Network error', status: 0, detail: 'The upload did not reach the server. Try again.', code: 'network_error' });
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: toApiError words it
  }
  if (!response.ok) throw toApiError(response.status, body, response.statusText);
  return body as DatasetImport;
}

export const getImport = async (projectId: string, name: string, importId: string, signal?: AbortSignal) =>
  (await datasetImportsGet({ signal, path: { ...at(projectId, name), import_id: importId }, throwOnError: true })).data;

/** The dataset's most recent import, if any (to pick up one still running after a reload). */
export const latestImport = async (projectId: string, name: string, signal?: AbortSignal) =>
  (await datasetImportsList({ signal, path: at(projectId, name), query: { limit: 1 }, throwOnError: true })).data.items[0] ?? null;

export const startExport = async (projectId: string, name: string, format: ExportFormat) =>
  (await datasetExportsCreate({ path: at(projectId, name), body: { format }, throwOnError: true })).data;

export const getExport = async (projectId: string, name: string, exportId: string, signal?: AbortSignal) =>
  (await datasetExportsGet({ signal, path: { ...at(projectId, name), export_id: exportId }, throwOnError: true })).data;
