import { useQuery } from '@tanstack/react-query';
import { Badge } from '@/components/badge';
import { Button } from '@/components/button';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { formatDateTime } from '@/lib/format';
import { versionsQueryOptions } from '../api/prompts-api';

/** Every version, newest first, with the labels pointing at it. */
export function VersionHistory({
  projectId,
  name,
  labels,
  selected,
  onView,
  onCompare,
}: {
  projectId: string;
  name: string;
  labels: Record<string, number>;
  selected: number;
  onView: (n: number) => void;
  onCompare: (n: number) => void;
}) {
  const versions = useQuery(versionsQueryOptions(projectId, name));
  if (versions.isPending) return <LoadingState />;
  if (versions.isError) return <ErrorState error={versions.error} onRetry={() => void versions.refetch()} />;
  if (versions.data.items.length === 0) return <EmptyState title="No versions" />;
  const items = [...versions.data.items].sort((a, b) => b.number - a.number);
  return (
    <ol className="divide-y divide-slate-100 rounded-lg bg-white ring-1 ring-slate-200" aria-label="Versions">
      {items.map((v) => (
        <li key={v.number} className="flex flex-wrap items-center gap-3 px-4 py-3" aria-current={v.number === selected ? 'true' : undefined}>
          <span className="w-10 font-mono text-sm font-semibold">v{v.number}</span>
          <div className="min-w-0 flex-1">
            <p className="truncate text-sm">{v.commit_message || <span className="text-slate-400">No commit message</span>}</p>
            <p className="text-xs text-slate-500">
              {v.author_label ?? 'unknown'} · {formatDateTime(v.created_at)} · <span className="font-mono">{v.content_hash.slice(0, 10)}</span>
            </p>
          </div>
          <div className="flex flex-wrap gap-1">
            {Object.entries(labels)
              .filter(([, n]) => n === v.number)
              .map(([label]) => (
                <Badge key={label} tone="indigo">
                  {label}
                </Badge>
              ))}
          </div>
          <Button size="sm" variant="ghost" onClick={() => onView(v.number)} aria-label={`View v${v.number}`}>
            View
          </Button>
          {v.number > 1 && (
            <Button size="sm" variant="ghost" onClick={() => onCompare(v.number)} aria-label={`Compare v${v.number} with v${v.number - 1}`}>
              Compare
            </Button>
          )}
        </li>
      ))}
    </ol>
  );
}
