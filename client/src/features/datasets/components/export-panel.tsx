import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '@/api/api-error';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { SelectField } from '@/components/form-field';
import { useProjectEvents } from '@/hooks/use-project-events';
import { getExport, startExport, type DatasetExport, type ExportFormat } from '../api/transfers-api';

const POLL_MS = 1000;
/** While live, a slow read as well: an end event missed around a re-subscription cannot leave the panel waiting. */
const LIVE_POLL_MS = 3000;
const FORMATS = [
  { value: 'csv', label: 'CSV (promptfoo columns)' },
  { value: 'jsonl', label: 'JSONL (one item per line)' },
] as const;

/**
 * Export the dataset's current version to a file: the job runs on the server and announces its end
 * with `dataset.export.completed` / `failed` over the WebSocket; the export is read once when it
 * starts (it may already be done), on that event and after a reconnect, every second while the
 * socket is down and every 3 s while it is live (a safety net for a missed event). Then a download link.
 */
export function ExportPanel({ projectId, datasetName }: { projectId: string; datasetName: string }) {
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [started, setStarted] = useState<DatasetExport | null>(null);
  const start = useMutation({ mutationFn: () => startExport(projectId, datasetName, format), onSuccess: setStarted });
  const queryClient = useQueryClient();
  const key = ['projects', projectId, 'datasets', 'detail', datasetName, 'exports', started?.id] as const;
  const refetch = () => void queryClient.refetchQueries({ queryKey: key });
  // The export's end can be announced before this component re-renders with `started`: remember
  // every export event seen, so the read that follows the start finds it done either way.
  const ended = useRef(new Set<string>());
  const live = useProjectEvents(projectId, {
    onEvent: (event) => {
      if (!event.event.startsWith('dataset.export.')) return;
      ended.current.add(String(event.data.export_id));
      if (started && event.data.export_id === started.id) refetch();
    },
    onLive: () => started && refetch(),
  });
  useEffect(() => {
    if (started && ended.current.has(started.id)) refetch();
  }, [started]); // eslint-disable-line react-hooks/exhaustive-deps
  const job = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => getExport(projectId, datasetName, started!.id, signal),
    // Seeded with the start's answer, so the refetch on the end event replaces a read still in flight
    // (which may have read the export before it ended) instead of joining it: TanStack Query joins an
    // in-flight first fetch, which left the panel waiting once the socket was live (no polling).
    initialData: started ?? undefined,
    enabled: started !== null && started.status !== 'completed' && started.status !== 'failed',
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      if (status === 'completed' || status === 'failed') return false;
      return live === 'live' ? LIVE_POLL_MS : POLL_MS;
    },
  });
  const current = job.data ?? started;
  const running = start.isPending || (current !== null && current.status !== 'completed' && current.status !== 'failed');

  return (
    <section aria-labelledby="export-heading" className="space-y-3">
      <h2 id="export-heading" className="text-base font-semibold text-slate-900">
        Export
      </h2>
      <div className="flex flex-wrap items-end gap-3">
        <SelectField label="Export format" value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)} options={FORMATS} containerClassName="w-64" disabled={running} />
        <Button variant="secondary" onClick={() => start.mutate()} loading={running}>
          {running ? 'Exporting…' : 'Export'}
        </Button>
        {current?.status === 'completed' && current.download_url && (
          <a href={current.download_url} download className="rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500">
            Download {current.format.toUpperCase()}
          </a>
        )}
      </div>
      {start.isError && <Alert>{errorMessage(start.error)}</Alert>}
      {job.isError && <Alert>{errorMessage(job.error)}</Alert>}
      {current?.status === 'failed' && <Alert title="The export failed.">{current.message ?? 'Try again.'}</Alert>}
      {current?.status === 'completed' && (
        <p className="text-xs text-slate-500" role="status">
          Export ready{typeof current.version === 'number' ? ` (version ${current.version})` : ''}. The link is short-lived: export again if it expired.
        </p>
      )}
    </section>
  );
}
