/**
 * File imports and exports of a dataset (jobs on the server): upload a file (multipart), read an
 * import's progress and rejected rows, start an export and read its download link.
 */
import { ApiError, toApiError } from '@/api/api-error';
import { apiFetch, apiRequest, apiUrl } from '@/api/http';

export type TransferStatus = 'queued' | 'running' | 'completed' | 'failed';
export type ImportFormat = 'csv' | 'jsonl' | 'json';
export type ExportFormat = 'csv' | 'jsonl';

export interface ImportError {
  line: number;
  message: string;
}

export interface DatasetImport {
  id: string;
  dataset: string;
  status: TransferStatus;
  format: string | null;
  strict: boolean;
  filename: string | null;
  rows_done: number;
  items_created: number;
  error_count: number;
  errors: ImportError[];
  message: string | null;
  /** The dataset's version the import made (from the completion event). */
  version?: number | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface DatasetExport {
  id: string;
  status: TransferStatus;
  format: ExportFormat;
  version: number | null;
  download_url: string | null;
  message?: string | null;
}

const base = (projectId: string, name: string) => `/projects/${projectId}/datasets/${encodeURIComponent(name)}`;

/** Upload `file` (CSV, JSONL or JSON; format from its extension) → 202 with the queued import. */
export async function startImport(projectId: string, name: string, file: File, strict: boolean): Promise<DatasetImport> {
  const form = new FormData();
  form.append('file', file, file.name);
  let response: Response;
  try {
    response = await apiFetch(apiUrl(`${base(projectId, name)}/imports`, { strict: strict ? 'true' : undefined }), {
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

export const getImport = (projectId: string, name: string, importId: string, signal?: AbortSignal) =>
  apiRequest<DatasetImport>(`${base(projectId, name)}/imports/${encodeURIComponent(importId)}`, { signal });

/** The dataset's most recent import, if any (to pick up one still running after a reload). */
export async function latestImport(projectId: string, name: string, signal?: AbortSignal): Promise<DatasetImport | null> {
  const page = await apiRequest<{ items: DatasetImport[] } | DatasetImport[]>(`${base(projectId, name)}/imports`, { query: { limit: 1 }, signal });
  const items = Array.isArray(page) ? page : page.items;
  return items[0] ?? null;
}

export const startExport = (projectId: string, name: string, format: ExportFormat) =>
  apiRequest<DatasetExport>(`${base(projectId, name)}/exports`, { method: 'POST', body: { format } });

export const getExport = (projectId: string, name: string, exportId: string, signal?: AbortSignal) =>
  apiRequest<DatasetExport>(`${base(projectId, name)}/exports/${encodeURIComponent(exportId)}`, { signal });
