import { useQuery } from '@tanstack/react-query';
import { useRef, type KeyboardEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { projectQueryOptions } from '@/api/session-queries';
import { Alert } from '@/components/alert';
import { Badge } from '@/components/badge';
import { PageHeader } from '@/components/page-header';
import { ErrorState, LoadingState } from '@/components/states';
import { useScope, useWorkspaceRole } from '@/hooks/use-scope';
import { cn } from '@/lib/cn';
import { paths } from '@/lib/paths';
import { roleAtLeast } from '@/lib/roles';
import { promptQueryOptions, versionQueryOptions } from '../api/prompts-api';
import { LabelsPanel } from './labels-panel';
import { PromptArchiveButton } from './prompt-archive';
import { RenderPreview } from './render-preview';
import { VersionDiff } from './version-diff';
import { VersionEditor } from './version-editor';
import { VersionHistory } from './version-history';

const TABS = [
  { id: 'editor', label: 'Editor' },
  { id: 'versions', label: 'Versions' },
  { id: 'diff', label: 'Diff' },
  { id: 'render', label: 'Render' },
] as const;
type TabId = (typeof TABS)[number]['id'];

export function PromptDetailPage() {
  const { workspaceId, projectId } = useScope();
  const { promptName = '' } = useParams();
  const role = useWorkspaceRole(workspaceId);
  const [params, setParams] = useSearchParams();
  const prompt = useQuery(promptQueryOptions(projectId, promptName));
  const project = useQuery(projectQueryOptions(projectId));
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});

  const latest = prompt.data?.latest_version ?? 0;
  const tab: TabId = (TABS.find((t) => t.id === params.get('tab'))?.id ?? 'editor') as TabId;
  const shown = Math.min(Number(params.get('v')) || latest, latest) || latest;
  const diffTo = Number(params.get('to')) || latest;
  const diffFrom = Number(params.get('from')) || Math.max(1, diffTo - 1);
  const version = useQuery({ ...versionQueryOptions(projectId, promptName, shown), enabled: shown > 0 });

  const update = (changes: Record<string, string | number | null>) =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      for (const [k, v] of Object.entries(changes)) {
        if (v === null) next.delete(k);
        else next.set(k, String(v));
      }
      return next;
    });

  const onTabKey = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const delta = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!delta) return;
    event.preventDefault();
    const next = TABS[(index + delta + TABS.length) % TABS.length]!;
    update({ tab: next.id });
    tabRefs.current[next.id]?.focus();
  };

  if (prompt.isPending) return <LoadingState />;
  if (prompt.isError) return <ErrorState error={prompt.error} onRetry={() => void prompt.refetch()} />;
  const data = prompt.data;
  const canEdit = roleAtLeast(role, 'editor') && !data.archived;

  return (
    <div>
      <PageHeader
        title={<span className="font-mono">{data.name}</span>}
        actions={
          roleAtLeast(role, 'editor') && (
            <>
              {!data.archived && shown > 0 && (
                <Link
                  to={paths.evaluateVersion(workspaceId, projectId, data.name, shown)}
                  className="inline-flex items-center rounded-md bg-white px-3.5 py-2 text-sm font-medium text-slate-800 shadow-sm ring-1 ring-slate-300 hover:bg-slate-50"
                >
                  Evaluate this version
                </Link>
              )}
              <PromptArchiveButton projectId={projectId} name={data.name} archived={data.archived} />
            </>
          )
        }
        description={
          <div className="space-y-1">
            <Link to={paths.prompts(workspaceId, projectId)} className="text-indigo-600 hover:underline">
              ← All prompts
            </Link>
            {data.description && <p>{data.description}</p>}
            <div className="flex flex-wrap gap-1">
              <Badge>{data.kind}</Badge>
              <Badge tone="gray">latest v{data.latest_version}</Badge>
              {data.archived && <Badge tone="red">archived</Badge>}
              {data.tags.map((t) => (
                <Badge key={t}>#{t}</Badge>
              ))}
            </div>
          </div>
        }
      />
      {data.archived && (
        <div className="mb-4">
          <Alert tone="info">This prompt is archived: it is read-only, hidden from the list and cannot be resolved until it is restored.</Alert>
        </div>
      )}
      <div className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_20rem]">
        <div className="min-w-0">
          <div role="tablist" aria-label="Prompt views" className="mb-4 flex gap-1 border-b border-slate-200">
            {TABS.map((t, i) => (
              <button
                key={t.id}
                ref={(el) => {
                  tabRefs.current[t.id] = el;
                }}
                type="button"
                role="tab"
                id={`tab-${t.id}`}
                aria-selected={tab === t.id}
                aria-controls={`panel-${t.id}`}
                tabIndex={tab === t.id ? 0 : -1}
                onKeyDown={(e) => onTabKey(e, i)}
                onClick={() => update({ tab: t.id })}
                className={cn(
                  '-mb-px border-b-2 px-3 py-2 text-sm font-medium',
                  tab === t.id ? 'border-indigo-600 text-indigo-700' : 'border-transparent text-slate-600 hover:text-slate-900',
                )}
              >
                {t.label}
              </button>
            ))}
          </div>
          <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
            {tab === 'editor' &&
              (version.isPending ? (
                <LoadingState />
              ) : version.isError ? (
                <ErrorState error={version.error} onRetry={() => void version.refetch()} />
              ) : (
                <VersionEditor
                  key={`${version.data.number}`}
                  projectId={projectId}
                  name={data.name}
                  kind={data.kind}
                  base={version.data}
                  latest={latest}
                  canEdit={canEdit}
                  onSaved={(v) => update({ v: v.number })}
                />
              ))}
            {tab === 'versions' && (
              <VersionHistory
                projectId={projectId}
                name={data.name}
                labels={data.labels}
                selected={shown}
                onView={(n) => update({ tab: 'editor', v: n })}
                onCompare={(n) => update({ tab: 'diff', from: n - 1, to: n })}
                canEvaluate={canEdit}
              />
            )}
            {tab === 'diff' &&
              (latest < 2 ? (
                <p className="text-sm text-slate-500">Only one version so far: save a new version to compare.</p>
              ) : (
                <VersionDiff projectId={projectId} name={data.name} latest={latest} from={diffFrom} to={diffTo} onChange={(from, to) => update({ from, to })} />
              ))}
            {tab === 'render' &&
              (version.isPending ? (
                <LoadingState />
              ) : version.isError ? (
                <ErrorState error={version.error} />
              ) : (
                <RenderPreview key={version.data.number} projectId={projectId} name={data.name} version={version.data} labels={data.labels} />
              ))}
          </div>
        </div>
        <LabelsPanel workspaceId={workspaceId} projectId={projectId} name={data.name} labels={data.labels} latest={latest} protectedLabels={project.data?.protected_labels ?? ['production']} role={role} />
      </div>
    </div>
  );
}
