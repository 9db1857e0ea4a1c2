/**
 * Upload a file into a dataset and follow the import live: progress comes from the project's
 * WebSocket events; the import is fetched only on start, after a (re)subscription (to catch up on
 * events missed while disconnected) and once finished (for the rejected rows). While the socket is
 * down it falls back to polling, so the page never freezes on a lost connection.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { datasetKeys } from '@/api/dataset-queries';
import type { ProjectEvent } from '@/api/project-events';
import { useProjectEvents } from '@/hooks/use-project-events';
import { getImport, latestImport, startImport, type DatasetImport } from '../api/transfers-api';
import { applyImportEvent, isImportEvent, isTerminal, mergeFetchedImport } from '../lib/import-progress';

const FALLBACK_POLL_MS = 3000;
const BUFFERED_EVENTS = 50;

export function useDatasetImport(projectId: string, datasetName: string) {
  const queryClient = useQueryClient();
  const [current, setCurrent] = useState<DatasetImport | null>(null);
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<unknown>(null);
  const currentRef = useRef<DatasetImport | null>(null);
  // A small import can finish before the upload's 202 answer arrives: keep its events until then.
  const early = useRef<ProjectEvent[]>([]);
  const finished = useRef(new Set<string>());

  const set = useCallback((next: DatasetImport | null) => {
    currentRef.current = next;
    setCurrent(next);
  }, []);

  const refresh = useCallback(async () => {
    const imp = currentRef.current;
    if (!imp) return;
    try {
      const fetched = await getImport(projectId, datasetName, imp.id);
      if (currentRef.current?.id === fetched.id) set(mergeFetchedImport(currentRef.current, fetched));
    } catch {
      // the next event, reconnect or poll tries again
    }
  }, [projectId, datasetName, set]);

  // Once per import: the items and the dataset's version changed, and the rejected rows are ready.
  const onFinished = useCallback(
    (imp: DatasetImport) => {
      if (finished.current.has(imp.id)) return;
      finished.current.add(imp.id);
      void refresh();
      void queryClient.invalidateQueries({ queryKey: datasetKeys.all(projectId) });
    },
    [projectId, queryClient, refresh],
  );

  const apply = useCallback(
    (event: ProjectEvent) => {
      const imp = currentRef.current;
      if (!imp || imp.id !== event.data.import_id) return;
      const next = applyImportEvent(imp, event);
      if (next === imp) return;
      set(next);
      if (isTerminal(next.status)) onFinished(next);
    },
    [set, onFinished],
  );

  const live = useProjectEvents(projectId, {
    onEvent: (event) => {
      if (!isImportEvent(event) || event.data.dataset !== datasetName) return;
      if (currentRef.current?.id === event.data.import_id) apply(event);
      else early.current = [...early.current.slice(-(BUFFERED_EVENTS - 1)), event];
    },
    onLive: () => {
      const imp = currentRef.current;
      if (imp && !isTerminal(imp.status)) void refresh();
    },
  });

  // Without a live socket, poll until the import ends (a terminal fetched state finishes it).
  const status = current?.status;
  useEffect(() => {
    if (live === 'live' || !status || isTerminal(status)) return;
    const id = window.setInterval(() => void refresh(), FALLBACK_POLL_MS);
    return () => window.clearInterval(id);
  }, [live, status, refresh]);
  useEffect(() => {
    if (current && isTerminal(current.status) && !finished.current.has(current.id)) onFinished(current);
  }, [current, onFinished]);

  // After a reload (or from another tab) an import may still be running: follow it.
  useEffect(() => {
    const controller = new AbortController();
    latestImport(projectId, datasetName, controller.signal)
      .then((imp) => {
        if (imp && !isTerminal(imp.status) && currentRef.current === null) set(imp);
      })
      .catch(() => {}); // nothing to resume
    return () => controller.abort();
  }, [projectId, datasetName, set]);

  const start = useCallback(
    async (file: File, strict: boolean) => {
      setUploading(true);
      setUploadError(null);
      set(null);
      try {
        const created = await startImport(projectId, datasetName, file, strict);
        set(created);
        const pending = early.current.filter((e) => e.data.import_id === created.id);
        early.current = [];
        for (const event of pending) apply(event);
        return created;
      } catch (error) {
        setUploadError(error);
        return null;
      } finally {
        setUploading(false);
      }
    },
    [projectId, datasetName, set, apply],
  );

  const dismiss = useCallback(() => {
    set(null);
    setUploadError(null);
  }, [set]);

  return { current, live, uploading, uploadError, start, dismiss };
}
