import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { Evaluation, Variant } from '@/api/generated/types.gen';
import { Button } from '@/components/button';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { resultPagesQueryOptions } from '../api/evaluation-results-api';
import { displayValue, filterRows, groupIntoRows, isFiltering, NO_FILTERS, truncate, type MatrixFilters } from '../lib/matrix';
import { formatMs, formatPercent, formatUsd, type VariantSummary } from '../lib/summary';
import { ResultCell } from './result-cell';

const INPUT_PREVIEW = 160;

function VariantHeader({ variant, summary }: { variant: Variant; summary: VariantSummary | undefined }) {
  return (
    <th scope="col" className="min-w-64 px-3 py-2 align-top font-normal normal-case">
      <div className="text-sm font-semibold text-slate-900">{variant.name}</div>
      <div className="font-mono text-xs text-slate-500">
        {variant.prompt.name} v{variant.prompt.version} · {variant.model}
      </div>
      <dl className="mt-1 flex flex-wrap gap-x-3 text-xs text-slate-600" aria-label={`Summary of ${variant.name}`}>
        <div className="flex gap-1">
          <dt>Pass rate</dt>
          <dd className="font-semibold tabular-nums">{formatPercent(summary?.passRate)}</dd>
        </div>
        <div className="flex gap-1">
          <dt>Mean latency</dt>
          <dd className="tabular-nums">{formatMs(summary?.latency?.mean)}</dd>
        </div>
        <div className="flex gap-1">
          <dt>Cost</dt>
          <dd className="tabular-nums">{formatUsd(summary?.costUsd)}</dd>
        </div>
      </dl>
    </th>
  );
}

function ItemHeader({ index, input, expected }: { index: number; input: Record<string, unknown>; expected: unknown }) {
  const entries = Object.entries(input);
  const expectedText = displayValue(expected);
  return (
    <div className="space-y-1">
      <div className="text-xs font-semibold text-slate-500">Item {index + 1}</div>
      {entries.length > 0 && (
        <dl className="space-y-0.5 text-xs">
          {entries.map(([key, value]) => (
            <div key={key} className="break-words">
              <dt className="inline font-mono text-slate-500">{key}: </dt>
              <dd className="inline text-slate-800">{truncate(displayValue(value), INPUT_PREVIEW).text}</dd>
            </div>
          ))}
        </dl>
      )}
      {expectedText !== '' && (
        <div className="text-xs break-words">
          <span className="text-slate-500">Expected: </span>
          <span className="text-slate-800">{truncate(expectedText, INPUT_PREVIEW).text}</span>
        </div>
      )}
    </div>
  );
}

function Filters({ filters, onChange }: { filters: MatrixFilters; onChange: (next: MatrixFilters) => void }) {
  return (
    <div role="group" aria-label="Filters" className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
      <label className="flex items-center gap-1.5">
        <input type="checkbox" checked={filters.failedOnly} onChange={(e) => onChange({ ...filters, failedOnly: e.target.checked })} />
        Failed only
      </label>
      <label className="flex items-center gap-1.5">
        <input type="checkbox" checked={filters.disagreementsOnly} onChange={(e) => onChange({ ...filters, disagreementsOnly: e.target.checked })} />
        Disagreements
      </label>
      <label className="flex items-center gap-1.5">
        <span className="sr-only">Search outputs</span>
        <input
          type="search"
          placeholder="Search outputs…"
          value={filters.search}
          onChange={(e) => onChange({ ...filters, search: e.target.value })}
          className="w-56 rounded-md border-0 px-2.5 py-1.5 text-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600"
        />
      </label>
    </div>
  );
}

/**
 * One row per dataset item, one column per variant; the item column stays pinned while the
 * variants scroll sideways (narrow windows, many variants). Filters run over the pages loaded.
 */
export function ResultsMatrix({ projectId, evaluation, summaries }: { projectId: string; evaluation: Evaluation; summaries: VariantSummary[] }) {
  const pages = useInfiniteQuery(resultPagesQueryOptions(projectId, evaluation.id));
  const [filters, setFilters] = useState<MatrixFilters>(NO_FILTERS);
  const results = useMemo(() => pages.data?.pages.flatMap((page) => page.items) ?? [], [pages.data]);
  const rows = useMemo(() => groupIntoRows(results), [results]);
  const shown = useMemo(() => filterRows(rows, filters), [rows, filters]);
  const summaryOf = new Map(summaries.map((s) => [s.variant, s]));

  if (pages.isPending) return <LoadingState label="Loading results…" />;
  if (pages.isError) return <ErrorState error={pages.error} onRetry={() => void pages.refetch()} />;
  if (rows.length === 0) {
    return (
      <EmptyState title="No results yet">
        {evaluation.status === 'queued' || evaluation.status === 'running' ? 'Results appear here as the run writes them.' : 'This evaluation has no results.'}
      </EmptyState>
    );
  }
  const more = pages.hasNextPage;
  return (
    <div className="space-y-3">
      <Filters filters={filters} onChange={setFilters} />
      <p className="text-xs text-slate-500" aria-live="polite">
        {isFiltering(filters) ? `${shown.length} of ${rows.length} items loaded match` : `${rows.length} items loaded`}
        {more ? ` · ${results.length} of ${evaluation.progress.done} results: filters and search cover the loaded items, load more to widen them` : ''}
      </p>
      <div className="relative overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
        <table aria-label="Results matrix" className="min-w-full border-separate border-spacing-0 text-sm">
          <thead className="bg-slate-50 text-left text-xs text-slate-600">
            <tr>
              <th scope="col" className="sticky left-0 z-10 w-40 min-w-40 border-r border-b border-slate-200 bg-slate-50 px-3 py-2 align-top font-semibold uppercase sm:w-64 sm:min-w-64">
                Item
              </th>
              {evaluation.variants.map((variant) => (
                <VariantHeader key={variant.name} variant={variant} summary={summaryOf.get(variant.name)} />
              ))}
            </tr>
          </thead>
          <tbody className="align-top">
            {shown.map((row) => (
              <tr key={row.itemId} aria-label={`Item ${row.index + 1}`}>
                <th scope="row" className="sticky left-0 z-10 w-40 min-w-40 border-r border-b border-slate-200 bg-white px-3 py-2 text-left font-normal sm:w-64 sm:min-w-64">
                  <ItemHeader index={row.index} input={row.input} expected={row.expected} />
                </th>
                {evaluation.variants.map((variant) => (
                  <td key={variant.name} className="max-w-md min-w-64 border-b border-slate-100 px-3 py-2">
                    <ResultCell result={row.cells[variant.name]} label={`Item ${row.index + 1}, ${variant.name}`} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {shown.length === 0 && <p className="p-4 text-sm text-slate-500">No loaded item matches the filters{more ? ': load more to look further.' : '.'}</p>}
      </div>
      {more && (
        <Button variant="secondary" onClick={() => void pages.fetchNextPage()} loading={pages.isFetchingNextPage}>
          Load more results
        </Button>
      )}
    </div>
  );
}
