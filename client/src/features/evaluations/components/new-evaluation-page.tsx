import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { errorMessage } from '@/api/api-error';
import { datasetsQueryOptions } from '@/api/dataset-queries';
import { createEvaluation, evaluationKeys } from '@/api/evaluation-queries';
import { promptsList } from '@/api/generated/sdk.gen';
import { runProvidersQueryOptions } from '@/api/provider-queries';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { SelectField, TextField } from '@/components/form-field';
import { PageHeader } from '@/components/page-header';
import { ErrorState, LoadingState } from '@/components/states';
import { useScope, useWorkspaceRole } from '@/hooks/use-scope';
import { serverFieldErrors } from '@/lib/field-errors';
import { paths } from '@/lib/paths';
import { roleAtLeast } from '@/lib/roles';
import { toast } from '@/stores/toast-store';
import { useEstimate } from '../hooks/use-estimate';
import { assertionType } from '../lib/assertion-types';
import {
  addVariant,
  checkDraft,
  duplicateVariant,
  emptyAssertion,
  evaluationBody,
  MAX_ASSERTIONS,
  MAX_VARIANTS,
  placeErrors,
  shownFields,
  type EvaluationDraft,
} from '../lib/evaluation-form';
import { draftFromSearch } from '../lib/form-prefill';
import { AssertionEditor, AssertionTypeSelect } from './assertion-editor';
import { EstimatePanel } from './estimate-panel';
import { VariantEditor } from './variant-editor';

/** `/…/evaluations/new`: editors set up and start an evaluation; viewers are told they cannot. */
export function NewEvaluationPage() {
  const { workspaceId, projectId } = useScope();
  const role = useWorkspaceRole(workspaceId);
  if (role === undefined) return <LoadingState />;
  if (!roleAtLeast(role, 'editor'))
    return (
      <div>
        <PageHeader title="New evaluation" />
        <Alert tone="warning" title="Only editors can start evaluations.">
          You can read every evaluation of this project on the <Link to={paths.evaluations(workspaceId, projectId)} className="underline">evaluations list</Link>.
        </Alert>
      </div>
    );
  return <EvaluationForm workspaceId={workspaceId} projectId={projectId} />;
}

function EvaluationForm({ workspaceId, projectId }: { workspaceId: string; projectId: string }) {
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<EvaluationDraft>(() => draftFromSearch(search));
  const [newType, setNewType] = useState('icontains');
  const [attempted, setAttempted] = useState(false);
  const datasets = useQuery(datasetsQueryOptions(projectId));
  const providers = useQuery(runProvidersQueryOptions(projectId));
  const prompts = useQuery({
    queryKey: ['projects', projectId, 'prompts', 'evaluation-form'],
    queryFn: async ({ signal }) => (await promptsList({ signal, path: { project_id: projectId }, query: { limit: 100 }, throwOnError: true })).data,
  });

  const clientErrors = useMemo(() => checkDraft(draft), [draft]);
  const estimateBlocked = Object.keys(checkDraft(draft, { forEstimate: true })).length > 0;
  const body = useMemo(() => evaluationBody(draft), [draft]);
  const estimate = useEstimate(projectId, estimateBlocked ? null : body);
  const create = useMutation({
    mutationFn: () => createEvaluation(projectId, body),
    onSuccess: (evaluation) => {
      queryClient.setQueryData(evaluationKeys.detail(projectId, evaluation.id), evaluation);
      void queryClient.invalidateQueries({ queryKey: evaluationKeys.lists(projectId) });
      toast(`Evaluation “${evaluation.name}” started.`);
      void navigate(paths.evaluation(workspaceId, projectId, evaluation.id));
    },
  });

  const shown = shownFields(draft);
  // The server's word wins over the browser's; the estimate's 422s show before anything is started.
  const fromEstimate = placeErrors(estimateBlocked ? {} : serverFieldErrors(estimate.error), shown);
  const fromCreate = placeErrors(serverFieldErrors(create.error), shown);
  const errors = { ...fromEstimate.fields, ...(attempted ? clientErrors : {}), ...fromCreate.fields };

  const update = (patch: Partial<EvaluationDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    if (create.isError) create.reset();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAttempted(true);
    if (Object.keys(clientErrors).length === 0) create.mutate();
  };

  if (datasets.isPending || providers.isPending || prompts.isPending) return <LoadingState />;
  const failed = datasets.error ?? providers.error ?? prompts.error;
  if (failed) return <ErrorState error={failed} />;
  const dataset = datasets.data?.items.find((d) => d.name === draft.dataset);
  const providerList = providers.data?.items ?? [];
  const promptList = (prompts.data?.items ?? []).filter((p) => !p.archived);

  return (
    <form onSubmit={submit} noValidate className="space-y-6">
      <PageHeader
        title="New evaluation"
        description="Run prompt variants over a dataset and grade every answer. Labels and the dataset version are pinned when it starts."
        actions={
          <Link to={paths.evaluations(workspaceId, projectId)} className="text-sm text-indigo-700 hover:underline">
            Cancel
          </Link>
        }
      />
      <section aria-label="Name and dataset" className="grid gap-3 rounded-lg bg-white p-4 ring-1 ring-slate-200 sm:grid-cols-3">
        <TextField label="Evaluation name" value={draft.name} maxLength={200} onChange={(e) => update({ name: e.target.value })} error={errors.name} placeholder="e.g. nightly support check" />
        <SelectField
          label="Dataset"
          value={draft.dataset}
          onChange={(e) => update({ dataset: e.target.value, datasetVersion: '' })}
          options={[{ value: '', label: 'Pick a dataset…' }, ...(datasets.data?.items ?? []).map((d) => ({ value: d.name, label: `${d.name} — ${d.item_count} items, v${d.version}` }))]}
          error={errors['dataset.name'] ?? errors.dataset}
          hint={dataset ? `${dataset.item_count.toLocaleString()} items at its current version v${dataset.version}.` : undefined}
        />
        <TextField
          label="Dataset version"
          inputMode="numeric"
          value={draft.datasetVersion}
          placeholder={dataset ? `current (v${dataset.version})` : 'current'}
          onChange={(e) => update({ datasetVersion: e.target.value })}
          error={errors['dataset.version']}
        />
      </section>

      <section aria-labelledby="variants-heading" className="space-y-3">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id="variants-heading" className="text-base font-semibold text-slate-900">
            Variants <span className="text-sm font-normal text-slate-500">({draft.variants.length} of at most {MAX_VARIANTS})</span>
          </h2>
          <Button variant="secondary" size="sm" disabled={draft.variants.length >= MAX_VARIANTS} onClick={() => update({ variants: addVariant(draft.variants) })}>
            Add variant
          </Button>
        </div>
        {draft.variants.map((variant, i) => (
          <VariantEditor
            key={variant.key}
            index={i}
            variant={variant}
            prompts={promptList}
            providers={providerList}
            errors={errors}
            canDuplicate={draft.variants.length < MAX_VARIANTS}
            canRemove={draft.variants.length > 1}
            onChange={(next) => update({ variants: draft.variants.map((v, j) => (j === i ? next : v)) })}
            onDuplicate={() => update({ variants: duplicateVariant(draft.variants, i) })}
            onRemove={() => update({ variants: draft.variants.filter((_, j) => j !== i) })}
          />
        ))}
      </section>

      <section aria-labelledby="assertions-heading" className="space-y-3">
        <h2 id="assertions-heading" className="text-base font-semibold text-slate-900">
          Assertions <span className="text-sm font-normal text-slate-500">(graded on every output, with the items’ own expected values)</span>
        </h2>
        {draft.assertions.length === 0 && <p className="text-sm text-slate-500">No assertions yet: items pass on their own `expected` value, or with score 1 when they have none.</p>}
        {draft.assertions.map((assertion, i) => (
          <AssertionEditor
            key={assertion.key}
            index={i}
            assertion={assertion}
            providers={providerList}
            errors={errors}
            onChange={(next) => update({ assertions: draft.assertions.map((a, j) => (j === i ? next : a)) })}
            onRemove={() => update({ assertions: draft.assertions.filter((_, j) => j !== i) })}
          />
        ))}
        <div className="flex flex-wrap items-end gap-3 rounded-lg border border-dashed border-slate-300 p-3">
          <div className="w-56">
            <AssertionTypeSelect label="Assertion type" value={newType} onChange={setNewType} />
          </div>
          <p className="min-w-48 flex-1 text-xs text-slate-600">{assertionType(newType).summary}</p>
          <Button
            variant="secondary"
            disabled={draft.assertions.length >= MAX_ASSERTIONS}
            onClick={() => {
              const first = providerList[0];
              const spec = assertionType(newType);
              update({ assertions: [...draft.assertions, emptyAssertion(newType, spec.model && first ? { providerId: first.id } : {})] });
            }}
          >
            Add assertion
          </Button>
        </div>
      </section>

      <section aria-label="Run settings" className="grid gap-3 rounded-lg bg-white p-4 ring-1 ring-slate-200 sm:grid-cols-2">
        <TextField label="Concurrency" inputMode="numeric" value={draft.concurrency} onChange={(e) => update({ concurrency: e.target.value })} error={errors.concurrency} hint="Provider calls in flight, 1–50." />
        <TextField
          label="Pass threshold"
          inputMode="decimal"
          value={draft.passThreshold}
          onChange={(e) => update({ passThreshold: e.target.value })}
          error={errors.pass_threshold}
          hint="0–1: the evaluation passes when every variant’s pass rate reaches it (1 = every item)."
        />
      </section>

      <EstimatePanel estimate={estimate.data} pending={estimate.isFetching} error={estimate.error} missing={estimateBlocked} />
      {create.isError && (
        <Alert title="The evaluation was not started.">
          {fromCreate.other.length > 0 ? fromCreate.other.join(' ') : Object.keys(fromCreate.fields).length > 0 ? 'Fix the fields marked above.' : errorMessage(create.error)}
        </Alert>
      )}
      {attempted && Object.keys(clientErrors).length > 0 && <Alert>Fix the fields marked above.</Alert>}
      <div className="flex justify-end gap-2">
        <Button type="submit" loading={create.isPending}>
          Start evaluation
        </Button>
      </div>
    </form>
  );
}
