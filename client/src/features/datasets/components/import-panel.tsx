import { useRef, useState } from 'react';
import { errorMessage } from '@/api/api-error';
import type { LiveState } from '@/api/project-events';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { useDatasetImport } from '../hooks/use-dataset-import';
import { isTerminal } from '../lib/import-progress';
import { ImportProgress } from './import-progress';

const LIVE_TEXT: Record<LiveState, string> = { live: 'Live updates on', connecting: 'Connecting live updates…', offline: 'Live updates reconnecting; checking every few seconds' };

/** Upload a CSV, JSONL or JSON file into the dataset and watch it import. Editors only. */
export function ImportPanel({ projectId, datasetName }: { projectId: string; datasetName: string }) {
  const { current, live, uploading, uploadError, start, dismiss } = useDatasetImport(projectId, datasetName);
  const [file, setFile] = useState<File | null>(null);
  const [strict, setStrict] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const busy = uploading || (current !== null && !isTerminal(current.status));

  const upload = async () => {
    if (!file) return;
    const created = await start(file, strict);
    if (created) {
      setFile(null);
      if (inputRef.current) inputRef.current.value = '';
    }
  };

  return (
    <section aria-labelledby="import-heading" className="space-y-3">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="import-heading" className="text-base font-semibold text-slate-900">
          Upload a file
        </h2>
        <span className="text-xs text-slate-500" role="status">
          {LIVE_TEXT[live]}
        </span>
      </div>
      <p className="text-sm text-slate-600">
        CSV with a header row (promptfoo columns: <code>__expected</code>, <code>__metadata:key</code>, …), JSONL, or a JSON array of <code>{'{input, expected, metadata}'}</code>. All new items appear at once as one version.
      </p>
      <div className="flex flex-wrap items-end gap-3">
        <div className="space-y-1">
          <label htmlFor="import-file" className="block text-sm font-medium text-slate-700">
            File (CSV, JSONL or JSON)
          </label>
          <input
            ref={inputRef}
            id="import-file"
            type="file"
            accept=".csv,.jsonl,.ndjson,.json,text/csv,application/json"
            disabled={busy}
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            className="block text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-2 file:text-sm file:font-medium hover:file:bg-slate-200"
          />
        </div>
        <label className="flex items-center gap-2 py-2 text-sm text-slate-700" title="Any bad row fails the whole import and adds nothing.">
          <input type="checkbox" checked={strict} onChange={(e) => setStrict(e.target.checked)} disabled={busy} className="rounded border-slate-300" />
          Strict (all or nothing)
        </label>
        <Button onClick={() => void upload()} disabled={!file || busy} loading={uploading}>
          Upload
        </Button>
        {current && isTerminal(current.status) && (
          <Button variant="ghost" size="sm" onClick={dismiss}>
            Dismiss
          </Button>
        )}
      </div>
      {uploadError ? <Alert title="The upload was refused.">{errorMessage(uploadError)}</Alert> : null}
      {current && <ImportProgress imp={current} />}
    </section>
  );
}
