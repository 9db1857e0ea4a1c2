import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { errorMessage } from '@/api/api-error';
import type { Version } from '@/api/generated/types.gen';
import { runProvidersQueryOptions } from '@/api/provider-queries';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { Dialog } from '@/components/dialog';
import { SelectField, TextField } from '@/components/form-field';
import { PageHeader } from '@/components/page-header';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { TemplateEditor } from '@/components/template-editor';
import { useScope, useWorkspaceRole } from '@/hooks/use-scope';
import { paths } from '@/lib/paths';
import { roleAtLeast } from '@/lib/roles';
import { toast } from '@/stores/toast-store';
import { promptPickerQueryOptions, promptSourceKeys, promptSourceQueryOptions, promptVersionsQueryOptions, saveDraftAsVersion } from '../api/prompt-sources-api';
import type { Template } from '../api/runs-api';
import { useVariantRuns } from '../hooks/use-variant-runs';
import { formatCost, formatMs } from '../lib/run-metrics';
import { parseVariables, variableFields } from '../lib/variables';
import {
  DRAFT_SOURCE,
  MAX_VARIANTS,
  buildRunRequest,
  labelSource,
  newVariant,
  parseParams,
  sourceLabel,
  sourceVersion,
  versionSource,
  type ParamsForm,
  type Variant,
} from '../lib/variants';
import { AddToDatasetDialog } from './add-to-dataset-dialog';
import { RunHistory } from './run-history';
import { VariablesForm } from './variables-form';
import { VariantCard } from './variant-card';
import { VariantChart } from './variant-chart';

const LATEST = labelSource('latest');

/**
 * The playground: run a saved prompt (label or version) or an unsaved draft against providers,
 * streamed live, and compare up to four variants (source × provider × model × parameters).
 */
export function PlaygroundPage() {
  const { workspaceId, projectId } = useScope();
  const role = useWorkspaceRole(workspaceId);
  const canRun = roleAtLeast(role, 'editor');
  const isAdmin = roleAtLeast(role, 'admin');
  const queryClient = useQueryClient();
  const [searchParams, setSearchParams] = useSearchParams();
  const promptName = searchParams.get('prompt') ?? '';

  const prompts = useQuery(promptPickerQueryOptions(projectId));
  const providers = useQuery(runProvidersQueryOptions(projectId));
  const prompt = useQuery({ ...promptSourceQueryOptions(projectId, promptName), enabled: promptName !== '' });
  const versions = useQuery({ ...promptVersionsQueryOptions(projectId, promptName), enabled: promptName !== '' });

  // The unsaved draft; with a saved prompt it exists only once "Edit as draft" was chosen.
  const [draftState, setDraft] = useState<{ template: Template; base: Version | null } | null>(null);
  const draft = useMemo(() => draftState ?? (promptName ? null : { template: '' as Template, base: null }), [draftState, promptName]);
  const [variants, setVariants] = useState<Variant[]>(() => [newVariant({ source: promptName ? LATEST : DRAFT_SOURCE })]);
  const [rawVariables, setRawVariables] = useState<Record<string, string>>({});
  const [variableErrors, setVariableErrors] = useState<Record<string, string>>({});
  const [paramErrors, setParamErrors] = useState<Record<string, Partial<Record<keyof ParamsForm, string>>>>({});
  const [saveOpen, setSaveOpen] = useState(false);
  const [commitMessage, setCommitMessage] = useState('');
  const [datasetRunId, setDatasetRunId] = useState<string | null>(null);
  const { runs, running, start, stop } = useVariantRuns(projectId);

  const providerList = useMemo(() => providers.data?.items ?? [], [providers.data]);
  const labels = useMemo<Record<string, number>>(() => (prompt.data ? { ...prompt.data.labels, latest: prompt.data.latest_version } : {}), [prompt.data]);
  const versionList = useMemo(() => versions.data?.items ?? [], [versions.data]);

  const sources = useMemo(() => {
    const options: { value: string; label: string }[] = [];
    if (promptName) {
      options.push({ value: LATEST, label: sourceLabel(LATEST, labels) });
      for (const label of Object.keys(labels).sort()) {
        if (label !== 'latest') options.push({ value: labelSource(label), label: sourceLabel(labelSource(label), labels) });
      }
      for (const v of versionList) options.push({ value: versionSource(v.number), label: `v${v.number}${v.commit_message ? ` — ${v.commit_message}` : ''}` });
    }
    if (draft) options.push({ value: DRAFT_SOURCE, label: 'Draft (unsaved)' });
    return options;
  }, [promptName, labels, versionList, draft]);

  // What each variant really runs: an unknown source or provider falls back to the first valid one.
  const resolved = useMemo(
    () =>
      variants.map((v) => ({
        ...v,
        source: sources.some((s) => s.value === v.source) ? v.source : (sources[0]?.value ?? DRAFT_SOURCE),
        providerId: providerList.some((p) => p.id === v.providerId) ? v.providerId : (providerList[0]?.id ?? ''),
      })),
    [variants, sources, providerList],
  );

  const versionOf = (source: string) => {
    const n = sourceVersion(source, labels);
    return n === null ? undefined : versionList.find((v) => v.number === n);
  };
  const templates = resolved.flatMap((v) => {
    if (v.source === DRAFT_SOURCE) return draft ? [{ template: draft.template, schema: draft.base?.variables ?? null }] : [];
    const version = versionOf(v.source);
    return version ? [{ template: version.template, schema: version.variables }] : [];
  });
  const fields = variableFields(templates);

  const choosePrompt = (name: string) => {
    setSearchParams(name ? { prompt: name } : {}, { replace: true });
    setDraft(null);
    setVariants((all) => all.map((v) => ({ ...v, source: name ? LATEST : DRAFT_SOURCE })));
  };

  const editAsDraft = () => {
    const base = versionOf(resolved[0]?.source ?? LATEST) ?? versionList[0] ?? null;
    setDraft({ template: base?.template ?? '', base });
    setVariants((all) => all.map((v, i) => (i === 0 ? { ...v, source: DRAFT_SOURCE } : v)));
  };

  const discardDraft = () => {
    setDraft(null);
    setVariants((all) => all.map((v) => (v.source === DRAFT_SOURCE ? { ...v, source: LATEST } : v)));
  };

  const updateDraftMessage = (index: number, content: string) => {
    if (!draft || typeof draft.template === 'string') return;
    setDraft({ ...draft, template: draft.template.map((m, i) => (i === index && m.role !== 'placeholder' ? { ...m, content } : m)) });
  };

  // A new variant starts as a copy of the last one, so comparing means changing one thing.
  const addVariant = () => {
    const last = resolved[resolved.length - 1];
    const copy = last ? { source: last.source, providerId: last.providerId, model: last.model, params: { ...last.params } } : {};
    setVariants((all) => (all.length >= MAX_VARIANTS ? all : [...all, newVariant(copy)]));
  };

  const runAll = () => {
    const { values, errors } = parseVariables(fields, rawVariables);
    setVariableErrors(errors);
    const allParamErrors: typeof paramErrors = {};
    const requests = resolved.map((variant) => {
      const parsed = parseParams(variant.params);
      if (Object.keys(parsed.errors).length > 0) allParamErrors[variant.id] = parsed.errors;
      return { id: variant.id, body: buildRunRequest(variant, { promptName, draft: draft?.template ?? '', variables: values, params: parsed.params }) };
    });
    setParamErrors(allParamErrors);
    if (Object.keys(errors).length > 0 || Object.keys(allParamErrors).length > 0) return;
    void start(requests);
  };

  const save = useMutation({
    mutationFn: () =>
      saveDraftAsVersion(projectId, promptName, {
        template: draft?.template ?? '',
        variables: draft?.base?.variables ?? null,
        model_config: draft?.base?.model_config ?? {},
        commit_message: commitMessage.trim(),
      }),
    onSuccess: async (version) => {
      toast(`Saved as v${version.number}.`);
      setSaveOpen(false);
      setCommitMessage('');
      setDraft(null);
      setVariants((all) => all.map((v) => (v.source === DRAFT_SOURCE ? { ...v, source: versionSource(version.number) } : v)));
      await queryClient.invalidateQueries({ queryKey: promptSourceKeys.prompts(projectId) });
    },
  });

  const chartBars = resolved.flatMap((v, i) => {
    const run = runs[v.id]?.run;
    return run ? [{ label: `Variant ${i + 1}`, latencyMs: run.latency_ms, costUsd: run.cost_usd }] : [];
  });
  const draftEmpty = draft !== null && (typeof draft.template === 'string' ? draft.template.trim() === '' : draft.template.length === 0);
  const usesDraft = resolved.some((v) => v.source === DRAFT_SOURCE);
  const noProviders = providers.isSuccess && providerList.length === 0;
  const runDisabled = !canRun || noProviders || !providers.isSuccess || (usesDraft && draftEmpty) || (promptName !== '' && !versions.isSuccess);

  return (
    <div className="space-y-6">
      <PageHeader
        title="Playground"
        description="Run a prompt version or a draft against your providers and compare up to four variants side by side."
        actions={
          <>
            <Button variant="secondary" onClick={addVariant} disabled={variants.length >= MAX_VARIANTS || running}>
              Add variant
            </Button>
            {running ? (
              <Button variant="danger" onClick={stop}>
                Stop
              </Button>
            ) : (
              <Button onClick={runAll} disabled={runDisabled}>
                {variants.length > 1 ? `Run ${variants.length} variants` : 'Run'}
              </Button>
            )}
          </>
        }
      />
      {role && !canRun && <Alert tone="info">Viewers can read the run history; editors and admins can run prompts.</Alert>}

      <div className="grid gap-4 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <section aria-labelledby="playground-prompt-heading" className="min-w-0 space-y-3 rounded-lg bg-white p-4 ring-1 ring-slate-200">
          <h2 id="playground-prompt-heading" className="text-sm font-semibold text-slate-900">
            Prompt or draft
          </h2>
          {prompts.isError ? (
            <ErrorState error={prompts.error} onRetry={() => void prompts.refetch()} />
          ) : (
            <SelectField
              label="Prompt"
              value={promptName}
              disabled={prompts.isPending || running}
              onChange={(e) => choosePrompt(e.target.value)}
              options={[{ value: '', label: 'New draft (no saved prompt)' }, ...(prompts.data?.items ?? []).map((p) => ({ value: p.name, label: `${p.name} (${p.kind})` }))]}
            />
          )}
          {promptName && (prompt.isError || versions.isError) ? (
            <ErrorState error={prompt.error ?? versions.error} onRetry={() => void Promise.all([prompt.refetch(), versions.refetch()])} />
          ) : promptName && (prompt.isPending || versions.isPending) ? (
            <LoadingState label="Loading versions…" />
          ) : null}
          {draft ? (
            <div className="space-y-2">
              {typeof draft.template === 'string' ? (
                <TemplateEditor label="Draft template" value={draft.template} onChange={(text) => setDraft({ ...draft, template: text })} minHeight="8rem" />
              ) : (
                draft.template.map((message, i) =>
                  message.role === 'placeholder' ? (
                    <p key={i} className="rounded-md bg-slate-50 px-3 py-2 text-xs text-slate-600 ring-1 ring-slate-200">
                      Placeholder <code>{message.name}</code>: a list of messages from the variables.
                    </p>
                  ) : (
                    <TemplateEditor key={i} label={`Draft message ${i + 1} (${message.role})`} value={message.content} onChange={(text) => updateDraftMessage(i, text)} minHeight="4rem" />
                  ),
                )
              )}
              {promptName ? (
                <div className="flex flex-wrap gap-2">
                  <Button size="sm" onClick={() => setSaveOpen(true)} disabled={!canRun || draftEmpty}>
                    Save as new version
                  </Button>
                  <Button size="sm" variant="secondary" onClick={discardDraft}>
                    Discard draft
                  </Button>
                </div>
              ) : (
                <p className="text-xs text-slate-500">
                  To keep a draft, <Link className="text-indigo-700 underline" to={paths.newPrompt(workspaceId, projectId)}>create a prompt</Link> in the registry.
                </p>
              )}
            </div>
          ) : promptName && versions.isSuccess ? (
            <div className="flex flex-wrap items-center gap-2 text-sm text-slate-600">
              <span>Pick a label or version for each variant below, or edit a copy without saving it.</span>
              <Button size="sm" variant="secondary" onClick={editAsDraft} disabled={running}>
                Edit as draft
              </Button>
            </div>
          ) : null}
        </section>
        <VariablesForm
          fields={fields}
          values={rawVariables}
          errors={variableErrors}
          onChange={(name, value) => setRawVariables((all) => ({ ...all, [name]: value }))}
        />
      </div>

      {providers.isPending ? (
        <LoadingState label="Loading providers…" />
      ) : providers.isError ? (
        <ErrorState error={providers.error} onRetry={() => void providers.refetch()} />
      ) : noProviders ? (
        <EmptyState
          title="No provider connections yet"
          action={
            isAdmin ? (
              <Link to={paths.settings(workspaceId, projectId, 'providers')} className="text-sm font-medium text-indigo-700 underline">
                Connect a provider
              </Link>
            ) : undefined
          }
        >
          {isAdmin ? 'Connect OpenAI, Anthropic, a local server, or the built-in Echo provider to run prompts.' : 'Ask a workspace admin to connect a provider in Settings → Providers.'}
        </EmptyState>
      ) : (
        <div className={variants.length > 1 ? 'grid gap-4 md:grid-cols-2 2xl:grid-cols-4' : 'grid gap-4 md:grid-cols-2'}>
          {resolved.map((variant, index) => (
            <VariantCard
              key={variant.id}
              index={index}
              variant={variant}
              sources={sources}
              providers={providerList}
              result={runs[variant.id]}
              paramErrors={paramErrors[variant.id] ?? {}}
              onChange={(next) => setVariants((all) => all.map((v) => (v.id === next.id ? next : v)))}
              onRemove={variants.length > 1 && !running ? () => setVariants((all) => all.filter((v) => v.id !== variant.id)) : undefined}
              onAddToDataset={canRun ? setDatasetRunId : undefined}
            />
          ))}
        </div>
      )}

      {chartBars.length > 0 && <VariantChart bars={chartBars} formatLatency={formatMs} formatCost={formatCost} />}

      <RunHistory key={promptName} projectId={projectId} promptNames={(prompts.data?.items ?? []).map((p) => p.name)} initialPrompt={promptName} onAddToDataset={canRun ? setDatasetRunId : undefined} />
      <AddToDatasetDialog workspaceId={workspaceId} projectId={projectId} runId={datasetRunId} onClose={() => setDatasetRunId(null)} />

      <Dialog
        open={saveOpen}
        title="Save draft as a new version"
        onClose={() => setSaveOpen(false)}
        footer={
          <>
            <Button variant="secondary" onClick={() => setSaveOpen(false)} disabled={save.isPending}>
              Cancel
            </Button>
            <Button onClick={() => save.mutate()} loading={save.isPending}>
              Save version
            </Button>
          </>
        }
      >
        <div className="space-y-3">
          <p className="text-sm text-slate-600">
            The draft becomes the newest version of <strong>{promptName}</strong> (labels do not move).
          </p>
          <TextField label="Commit message" value={commitMessage} onChange={(e) => setCommitMessage(e.target.value)} data-autofocus />
          {save.isError && <Alert>{errorMessage(save.error)}</Alert>}
        </div>
      </Dialog>
    </div>
  );
}
