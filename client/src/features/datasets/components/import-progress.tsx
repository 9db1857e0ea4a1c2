import { Alert } from '@/components/alert';
import { Badge } from '@/components/badge';
import type { DatasetImport } from '../api/transfers-api';

const STATUS = {
  queued: { tone: 'gray', text: 'Queued' },
  running: { tone: 'indigo', text: 'Importing' },
  completed: { tone: 'green', text: 'Completed' },
  failed: { tone: 'red', text: 'Failed' },
} as const;

const n = (value: number) => value.toLocaleString();

/**
 * One import as it goes: a progress bar with rows read, items created and rejected rows, then the
 * outcome and the rejected rows by line. The row total is unknown until the file is parsed, so the
 * bar follows the bytes of the file parsed so far (bytes_done / size_bytes).
 */
export function ImportProgress({ imp }: { imp: DatasetImport }) {
  const status = STATUS[imp.status];
  const done = imp.status === 'completed' || imp.status === 'failed';
  const percent = done ? 100 : imp.size_bytes > 0 ? Math.min(99, Math.floor((100 * (imp.bytes_done || 0)) / imp.size_bytes)) : 0;
  return (
    <section aria-label="Import progress" className="space-y-3 rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm font-medium text-slate-800">
          {imp.filename ?? 'Upload'}
          {imp.strict && <span className="ml-2 text-xs text-slate-500">(strict: all or nothing)</span>}
        </p>
        <Badge tone={status.tone}>{status.text}</Badge>
      </div>
      <div
        role="progressbar"
        aria-label="Import progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${n(imp.rows_done)} rows read`}
        className="h-2 overflow-hidden rounded-full bg-slate-100"
      >
        <div
          className={
            imp.status === 'failed'
              ? 'h-full w-full bg-red-500'
              : done
                ? 'h-full w-full bg-emerald-500 transition-all'
                : 'h-full rounded-full bg-indigo-500 transition-all'
          }
          style={done ? undefined : { width: `${percent}%` }}
        />
      </div>
      <dl aria-label="Import counts" className="grid grid-cols-3 gap-2 text-sm">
        <div>
          <dt className="text-xs text-slate-500">Rows read</dt>
          <dd className="font-semibold tabular-nums" data-testid="rows-done">
            {n(imp.rows_done)}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">Items created</dt>
          <dd className="font-semibold tabular-nums" data-testid="items-created">
            {n(imp.items_created)}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">Rejected rows</dt>
          <dd className={imp.error_count > 0 ? 'font-semibold text-red-700 tabular-nums' : 'font-semibold tabular-nums'} data-testid="error-count">
            {n(imp.error_count)}
          </dd>
        </div>
      </dl>
      {imp.status === 'completed' && (
        <Alert tone={imp.error_count > 0 ? 'warning' : 'success'}>
          Imported {n(imp.items_created)} item{imp.items_created === 1 ? '' : 's'}
          {typeof imp.version === 'number' ? ` as version ${imp.version}` : ''}
          {imp.error_count > 0 ? `; ${n(imp.error_count)} row${imp.error_count === 1 ? ' was' : 's were'} rejected.` : '.'}
        </Alert>
      )}
      {imp.status === 'failed' && <Alert title="The import failed; nothing was added.">{imp.message ?? 'The file could not be imported.'}</Alert>}
      {imp.errors.length > 0 && (
        <div>
          <h4 className="text-sm font-semibold text-slate-800">Rejected rows</h4>
          <ul aria-label="Rejected rows" className="mt-1 max-h-64 divide-y divide-slate-100 overflow-auto rounded-md ring-1 ring-slate-200">
            {imp.errors.map((error, i) => (
              <li key={`${error.line}-${i}`} className="flex gap-3 px-3 py-1.5 text-sm">
                <span className="w-20 shrink-0 font-mono text-xs text-slate-500">line {error.line}</span>
                <span className="text-slate-800">{error.message}</span>
              </li>
            ))}
          </ul>
          {imp.error_count > imp.errors.length && <p className="mt-1 text-xs text-slate-500">Showing the first {imp.errors.length} of {n(imp.error_count)}.</p>}
        </div>
      )}
    </section>
  );
}
