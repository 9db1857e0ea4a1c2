import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { DatasetItem } from '@/api/dataset-queries';
import { Button } from '@/components/button';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { itemsPageQueryOptions, ITEMS_PAGE_SIZE } from '../api/datasets-api';
import { displayValue } from '../lib/item-form';

export interface ItemsTableProps {
  projectId: string;
  datasetName: string;
  /** null: the current version. */
  version: number | null;
  canWrite: boolean;
  onEdit: (item: DatasetItem) => void;
  onDelete: (item: DatasetItem) => void;
  emptyAction?: React.ReactNode;
}

function Value({ value }: { value: unknown }) {
  const text = displayValue(value);
  if (text === '') return <span className="text-slate-400">—</span>;
  return (
    <span className={typeof value === 'string' ? 'whitespace-pre-wrap' : 'font-mono text-xs'} title={text.length > 300 ? text : undefined}>
      {text.length > 300 ? `${text.slice(0, 300)}…` : text}
    </span>
  );
}

function Fields({ values }: { values: Record<string, unknown> }) {
  const entries = Object.entries(values);
  if (entries.length === 0) return <span className="text-slate-400">—</span>;
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-2 gap-y-0.5">
      {entries.map(([key, value]) => (
        <div key={key} className="contents">
          <dt className="font-mono text-xs text-slate-500">{key}</dt>
          <dd className="min-w-0 break-words">
            <Value value={value} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * Items page by page with cursor paging: the server pages forward only, so the cursors of the
 * pages seen are kept to go back. The parent remounts it (key) when the version changes.
 */
export function ItemsTable({ projectId, datasetName, version, canWrite, onEdit, onDelete, emptyAction }: ItemsTableProps) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const page = useQuery(itemsPageQueryOptions(projectId, datasetName, version, cursor));
  const pageNumber = cursors.length;

  if (page.isPending) return <LoadingState label="Loading items…" />;
  if (page.isError) return <ErrorState error={page.error} onRetry={() => void page.refetch()} />;
  const items = page.data.items;
  if (items.length === 0 && pageNumber === 1) {
    return (
      <EmptyState title={version === null ? 'No items yet' : `No items at version ${version}`} action={emptyAction}>
        {version === null ? 'Add items one by one, upload a CSV, JSONL or JSON file, or add runs from the playground.' : 'The dataset was empty then.'}
      </EmptyState>
    );
  }
  const first = (pageNumber - 1) * ITEMS_PAGE_SIZE + 1;
  return (
    <div className="space-y-3">
      <div className="relative overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
        <table aria-label="Items" className="min-w-full divide-y divide-slate-200 text-sm">
          <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-600 uppercase">
            <tr>
              <th scope="col" className="w-10 px-3 py-2 text-right">#</th>
              <th scope="col" className="px-3 py-2">Input</th>
              <th scope="col" className="px-3 py-2">Expected</th>
              <th scope="col" className="px-3 py-2">Metadata</th>
              {canWrite && (
                <th scope="col" className="px-3 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 align-top">
            {items.map((item, i) => (
              <tr key={item.id} aria-label={`Item ${first + i}`}>
                <td className="px-3 py-2 text-right text-xs text-slate-400 tabular-nums">{first + i}</td>
                <td className="max-w-md px-3 py-2">
                  <Fields values={item.input} />
                </td>
                <td className="max-w-sm px-3 py-2 break-words">
                  <Value value={item.expected} />
                </td>
                <td className="max-w-xs px-3 py-2 text-xs">
                  <Fields values={item.metadata} />
                </td>
                {canWrite && (
                  <td className="px-3 py-2 text-right whitespace-nowrap">
                    <Button variant="ghost" size="sm" onClick={() => onEdit(item)} aria-label={`Edit item ${first + i}`}>
                      Edit
                    </Button>
                    <Button variant="ghost" size="sm" className="text-red-700" onClick={() => onDelete(item)} aria-label={`Delete item ${first + i}`}>
                      Delete
                    </Button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav aria-label="Item pages" className="flex items-center justify-between gap-2 text-sm text-slate-600">
        <span aria-live="polite">
          {items.length > 0 ? `Items ${first}–${first + items.length - 1}` : 'No more items'} · page {pageNumber}
          {page.isFetching && !page.isPending ? ' · loading…' : ''}
        </span>
        <div className="flex gap-2">
          <Button variant="secondary" size="sm" disabled={pageNumber === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
            Previous
          </Button>
          <Button variant="secondary" size="sm" disabled={!page.data.next_cursor || page.isPlaceholderData} onClick={() => setCursors((c) => [...c, page.data.next_cursor ?? null])}>
            Next
          </Button>
        </div>
      </nav>
    </div>
  );
}
