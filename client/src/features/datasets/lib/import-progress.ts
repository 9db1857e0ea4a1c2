/**
 * An import's state as the page shows it, advanced by live events (`dataset.import.*`) and by the
 * occasional GET of the import (on start, on reconnect, on completion for the rejected rows).
 */
import type { ProjectEvent } from '@/api/project-events';
import type { DatasetImport } from '../api/transfers-api';

export const IMPORT_EVENTS = ['dataset.import.progress', 'dataset.import.completed', 'dataset.import.failed'] as const;

export function isTerminal(status: DatasetImport['status']): boolean {
  return status === 'completed' || status === 'failed';
}

export function isImportEvent(event: ProjectEvent): boolean {
  return (IMPORT_EVENTS as readonly string[]).includes(event.event) && typeof event.data.import_id === 'string';
}

const count = (value: unknown, fallback: number) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback);

/** Apply one event to the import it concerns; events of other imports leave it as it is. */
export function applyImportEvent(current: DatasetImport, event: ProjectEvent): DatasetImport {
  if (!isImportEvent(event) || event.data.import_id !== current.id || isTerminal(current.status)) return current;
  const counts = {
    // Events may overtake each other across replicas: counts never go backwards.
    rows_done: Math.max(current.rows_done, count(event.data.rows_done, current.rows_done)),
    items_created: Math.max(current.items_created, count(event.data.items_created, current.items_created)),
    error_count: Math.max(current.error_count, count(event.data.error_count, current.error_count)),
    bytes_done: Math.max(count(current.bytes_done, 0), count(event.data.bytes_done, 0)),
    size_bytes: count(event.data.size_bytes, count(current.size_bytes, 0)),
  };
  switch (event.event) {
    case 'dataset.import.progress':
      return { ...current, ...counts, status: 'running' };
    case 'dataset.import.completed':
      return {
        ...current,
        ...counts,
        status: 'completed',
        version: typeof event.data.version === 'number' ? event.data.version : current.version,
        finished_at: event.at ?? current.finished_at,
      };
    default:
      return {
        ...current,
        status: 'failed',
        message: typeof event.data.message === 'string' ? event.data.message : (current.message ?? 'The import failed.'),
        finished_at: event.at ?? current.finished_at,
      };
  }
}

/** Take a fetched state unless it is older than what events already told (a terminal state wins). */
export function mergeFetchedImport(current: DatasetImport | null, fetched: DatasetImport): DatasetImport {
  if (!current || current.id !== fetched.id || isTerminal(fetched.status) || !isTerminal(current.status)) {
    if (current && current.id === fetched.id && !isTerminal(fetched.status)) {
      return {
        ...fetched,
        rows_done: Math.max(current.rows_done, fetched.rows_done),
        items_created: Math.max(current.items_created, fetched.items_created),
        error_count: Math.max(current.error_count, fetched.error_count),
      };
    }
    return current?.id === fetched.id ? { ...fetched, version: fetched.version ?? current.version } : fetched;
  }
  return current;
}
