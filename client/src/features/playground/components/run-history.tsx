import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge } from '@/components/badge';
import { Button } from '@/components/button';
import { SelectField } from '@/components/form-field';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { formatDateTime } from '@/lib/format';
import { runsInfiniteQueryOptions, type RunSource, type RunStatus } from '../api/runs-api';
import { formatCost, formatMs, formatTokens } from '../lib/run-metrics';

const STATUS_TONE: Record<RunStatus, 'gray' | 'indigo' | 'green' | 'red' | 'amber'> = {
  queued: 'gray',
  running: 'indigo',
  completed: 'green',
  failed: 'red',
  cancelled: 'amber',
};

/** The project's runs, newest first, filtered by prompt, a page at a time. */
export function RunHistory({
  projectId,
  promptNames,
  initialPrompt = '',
  onAddToDataset,
}: {
  projectId: string;
  promptNames: string[];
  initialPrompt?: string;
  /** Offered on completed runs (editors): save the run as a dataset item. */
  onAddToDataset?: (runId: string) => void;
}) {
  const [prompt, setPrompt] = useState(initialPrompt);
  const [source, setSource] = useState<RunSource | ''>('');
  const runs = useInfiniteQuery(runsInfiniteQueryOptions(projectId, { prompt, source }));
  const items = runs.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section aria-labelledby="run-history-heading" className="space-y-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id="run-history-heading" className="text-lg font-semibold">
          Run history
        </h2>
        <SelectField
          label="Filter runs by prompt"
          value={prompt}
          onChange={(e) => setPrompt(e.target.value)}
          options={[{ value: '', label: 'All prompts and drafts' }, ...promptNames.map((n) => ({ value: n, label: n }))]}
          containerClassName="w-64 max-w-full"
        />
        <SelectField
          label="Filter runs by source"
          value={source}
          onChange={(e) => setSource(e.target.value as RunSource | '')}
          options={[
            { value: '', label: 'Playground and gateway' },
            { value: 'playground', label: 'Playground' },
            { value: 'gateway', label: 'Gateway (OpenAI-compatible)' },
          ]}
          containerClassName="w-56 max-w-full"
        />
      </div>
      {runs.isPending ? (
        <LoadingState label="Loading runs…" />
      ) : runs.isError ? (
        <ErrorState error={runs.error} onRetry={() => void runs.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title="No runs yet">{prompt ? `No runs of ${prompt} yet.` : 'Runs you start in the playground are listed here.'}</EmptyState>
      ) : (
        // `relative` makes this scroll box the containing block of the table's absolutely positioned
        // sr-only header text: otherwise that text escapes the box and, in a wide table (long model
        // or prompt names), makes the whole page scroll sideways in a narrow window.
        <div className="relative overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
          <table aria-label="Runs" className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-600 uppercase">
              <tr>
                <th scope="col" className="px-3 py-2">When</th>
                <th scope="col" className="px-3 py-2">Prompt</th>
                <th scope="col" className="px-3 py-2">Provider / model</th>
                <th scope="col" className="px-3 py-2">Status</th>
                <th scope="col" className="px-3 py-2 text-right">Tokens in/out</th>
                <th scope="col" className="px-3 py-2 text-right">Cost</th>
                <th scope="col" className="px-3 py-2 text-right">Latency</th>
                <th scope="col" className="px-3 py-2 text-right">TTFT</th>
                <th scope="col" className="px-3 py-2">Output</th>
                {onAddToDataset && (
                  <th scope="col" className="px-3 py-2">
                    <span className="sr-only">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {items.map((run) => (
                <tr key={run.id}>
                  <td className="px-3 py-2 whitespace-nowrap text-slate-500">{formatDateTime(run.created_at)}</td>
                  <td className="max-w-64 truncate px-3 py-2 whitespace-nowrap" title={run.prompt ? `${run.prompt.name} v${run.prompt.version}` : undefined}>
                    {run.prompt ? `${run.prompt.name} v${run.prompt.version}` : <span className="text-slate-500">Draft</span>}
                    {run.source === 'gateway' && (
                      <span className="ml-2">
                        <Badge tone="indigo" title="Called through the OpenAI-compatible gateway">
                          gateway
                        </Badge>
                      </span>
                    )}
                  </td>
                  <td className="max-w-64 truncate px-3 py-2 whitespace-nowrap" title={`${run.provider_name} / ${run.model}`}>
                    {run.provider_name} / <span className="font-mono text-xs">{run.model}</span>
                  </td>
                  <td className="px-3 py-2">
                    <Badge tone={STATUS_TONE[run.status]} title={run.error?.message}>
                      {run.status}
                    </Badge>
                  </td>
                  <td className="px-3 py-2 text-right whitespace-nowrap">
                    {formatTokens(run.usage.input_tokens)} / {formatTokens(run.usage.output_tokens)}
                  </td>
                  <td className="px-3 py-2 text-right whitespace-nowrap">{formatCost(run.cost_usd)}</td>
                  <td className="px-3 py-2 text-right whitespace-nowrap">{formatMs(run.latency_ms)}</td>
                  <td className="px-3 py-2 text-right whitespace-nowrap">{formatMs(run.time_to_first_token_ms)}</td>
                  <td className="max-w-72 truncate px-3 py-2 font-mono text-xs text-slate-600" title={run.output ?? run.error?.message ?? ''}>
                    {run.output ?? run.error?.message ?? '—'}
                  </td>
                  {onAddToDataset && (
                    <td className="px-3 py-2 whitespace-nowrap">
                      {run.status === 'completed' && (
                        <Button variant="ghost" size="sm" onClick={() => onAddToDataset(run.id)} aria-label={`Add run of ${formatDateTime(run.created_at)} to a dataset`}>
                          Add to dataset
                        </Button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {runs.hasNextPage && (
        <Button variant="secondary" size="sm" onClick={() => void runs.fetchNextPage()} loading={runs.isFetchingNextPage}>
          Load more runs
        </Button>
      )}
    </section>
  );
}
