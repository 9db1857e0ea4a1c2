import { useQuery } from '@tanstack/react-query';
import { Badge } from '@/components/badge';
import { Button } from '@/components/button';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { Link } from 'react-router';
import { useScope } from '@/hooks/use-scope';
import { formatDateTime, formatRate } from '@/lib/format';
import { paths } from '@/lib/paths';
import type { VersionRate } from '@/api/evaluation-queries';
import { useVersionPassRates } from '@/hooks/use-version-pass-rates';
import { versionsQueryOptions } from '../api/prompts-api';

/** Every version, newest first, with the labels pointing at it. */
export function VersionHistory({
  projectId,
  name,
  labels,
  selected,
  onView,
  onCompare,
  canEvaluate = false,
}: {
  projectId: string;
  name: string;
  labels: Record<string, number>;
  selected: number;
  onView: (n: number) => void;
  onCompare: (n: number) => void;
  /** Editors get "Evaluate" per version (the new-evaluation form, pre-filled). */
  canEvaluate?: boolean;
}) {
  const { workspaceId } = useScope();
  const versions = useQuery(versionsQueryOptions(projectId, name));
  const rates = useVersionPassRates(projectId, name);
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
          <VersionRate rate={rates.get(v.number)} workspaceId={workspaceId} projectId={projectId} version={v.number} />
          {canEvaluate && (
            <Link
              to={paths.evaluateVersion(workspaceId, projectId, name, v.number)}
              className="rounded-md px-2.5 py-1 text-xs font-medium text-indigo-700 hover:bg-indigo-50"
              aria-label={`Evaluate v${v.number}`}
            >
              Evaluate
            </Link>
          )}
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

function VersionRate({ rate, workspaceId, projectId, version }: { rate: VersionRate | undefined; workspaceId: string; projectId: string; version: number }) {
  if (!rate) return <span className="text-xs text-slate-400">not evaluated</span>;
  const below = rate.passRate < rate.passThreshold;
  return (
    <Link
      to={paths.evaluation(workspaceId, projectId, rate.evaluationId)}
      title={`Latest evaluation: ${rate.evaluationName}`}
      aria-label={`v${version}: ${formatRate(rate.passRate)} passed in ${rate.evaluationName}`}
      className={`rounded-full px-2 py-0.5 text-xs font-medium tabular-nums ring-1 ring-inset hover:underline ${below ? 'bg-red-50 text-red-700 ring-red-200' : 'bg-emerald-50 text-emerald-700 ring-emerald-200'}`}
    >
      {formatRate(rate.passRate)} pass
    </Link>
  );
}
