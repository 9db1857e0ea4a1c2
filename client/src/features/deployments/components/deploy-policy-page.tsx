/** Settings → Deploy policy: what moving each label needs (admins edit, everyone else reads). */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { errorMessage } from '@/api/api-error';
import { datasetsQueryOptions } from '@/api/dataset-queries';
import { deployKeys, deployPolicyQueryOptions, putDeployPolicy, type DeployPolicy } from '@/api/deploy-queries';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { SelectField, TextField } from '@/components/form-field';
import { ErrorState, LoadingState } from '@/components/states';
import { useScope, useWorkspaceRole } from '@/hooks/use-scope';
import { serverFieldErrors, type FieldErrors } from '@/lib/field-errors';
import { formatDateTime } from '@/lib/format';
import { roleAtLeast } from '@/lib/roles';
import { toast } from '@/stores/toast-store';
import { emptyRow, MAX_GATED_LABELS, policyFromRows, rowsFromPolicy, type GateRow } from '../lib/policy-form';

function Check({ label, checked, disabled, onChange, hint }: { label: string; checked: boolean; disabled: boolean; onChange: (v: boolean) => void; hint?: ReactNode }) {
  const id = useId();
  return (
    <div className="flex items-start gap-2 text-sm text-slate-700">
      <input
        id={id}
        type="checkbox"
        className="mt-0.5 rounded border-slate-300"
        checked={checked}
        disabled={disabled}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(e) => onChange(e.target.checked)}
      />
      <div>
        <label htmlFor={id}>{label}</label>
        {hint && (
          <p id={`${id}-hint`} className="text-xs text-slate-500">
            {hint}
          </p>
        )}
      </div>
    </div>
  );
}

function GateEditor({
  row,
  errors,
  datasets,
  readOnly,
  onChange,
  onRemove,
}: {
  row: GateRow;
  errors: FieldErrors;
  datasets: string[];
  readOnly: boolean;
  onChange: (patch: Partial<GateRow>) => void;
  onRemove: () => void;
}) {
  const at = `labels.${row.label}`;
  const rule = `${at}.require_evaluation`;
  const err = (field: string) => errors[`${rule}.${field}`];
  return (
    <fieldset className="space-y-3 rounded-lg bg-white p-4 ring-1 ring-slate-200" aria-label={`Gate of ${row.label}`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <legend className="font-mono text-sm font-semibold">{row.label}</legend>
        {!readOnly && (
          <Button size="sm" variant="ghost" onClick={onRemove} aria-label={`Remove the gate of ${row.label}`}>
            Remove gate
          </Button>
        )}
      </div>
      {(errors[at] || errors[`${at}.require_evaluation`]) && <Alert>{errors[at] ?? errors[`${at}.require_evaluation`]}</Alert>}
      <Check label="Require a passing evaluation" checked={row.requireEvaluation} disabled={readOnly} onChange={(v) => onChange({ requireEvaluation: v })} />
      {row.requireEvaluation && (
        <div className="grid gap-3 pl-6 sm:grid-cols-2">
          <SelectField
            label={`Dataset for ${row.label}`}
            value={row.dataset}
            disabled={readOnly}
            onChange={(e) => onChange({ dataset: e.target.value })}
            options={[{ value: '', label: 'Pick a dataset…' }, ...[...new Set([...datasets, ...(row.dataset ? [row.dataset] : [])])].map((n) => ({ value: n, label: n }))]}
            error={err('dataset')}
          />
          <TextField
            label={`Dataset version for ${row.label}`}
            inputMode="numeric"
            placeholder="current"
            value={row.datasetVersion}
            disabled={readOnly}
            onChange={(e) => onChange({ datasetVersion: e.target.value.trim() })}
            hint="Empty: the dataset's current version at the time of the move."
            error={err('dataset_version')}
          />
          <TextField
            label={`Minimum pass rate (%) for ${row.label}`}
            inputMode="decimal"
            value={row.minPassRate}
            disabled={readOnly}
            onChange={(e) => onChange({ minPassRate: e.target.value.trim() })}
            error={err('min_pass_rate')}
          />
          <TextField
            label={`Maximum age (hours) for ${row.label}`}
            inputMode="numeric"
            placeholder="any age"
            value={row.maxAgeHours}
            disabled={readOnly}
            onChange={(e) => onChange({ maxAgeHours: e.target.value.trim() })}
            hint="Empty: an evaluation of any age counts. 168 = one week."
            error={err('max_age_hours')}
          />
        </div>
      )}
      <Check
        label="Require approval"
        checked={row.requireApproval}
        disabled={readOnly}
        onChange={(v) => onChange({ requireApproval: v })}
        hint="A move waits on the Deployments page until another admin or owner approves it."
      />
      <Check
        label="Allow rollback without a new evaluation"
        checked={row.allowRollback}
        disabled={readOnly}
        onChange={(v) => onChange({ allowRollback: v })}
        hint="Moving back to a version this label had before skips the evaluation rule (still recorded)."
      />
    </fieldset>
  );
}

function PolicyForm({ projectId, policy, readOnly }: { projectId: string; policy: DeployPolicy; readOnly: boolean }) {
  const queryClient = useQueryClient();
  const datasets = useQuery(datasetsQueryOptions(projectId));
  const [rows, setRows] = useState<GateRow[]>(() => rowsFromPolicy(policy));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [newLabel, setNewLabel] = useState('');
  const save = useMutation({
    mutationFn: (body: Parameters<typeof putDeployPolicy>[1]) => putDeployPolicy(projectId, body),
    onSuccess: async (saved) => {
      toast('Deploy policy saved.');
      setErrors({});
      setRows(rowsFromPolicy(saved));
      queryClient.setQueryData(deployKeys.policy(projectId), saved);
      await queryClient.invalidateQueries({ queryKey: deployKeys.all(projectId) });
    },
    onError: (error) => setErrors(serverFieldErrors(error)),
  });

  const patch = (i: number, p: Partial<GateRow>) => setRows((rs) => rs.map((r, j) => (i === j ? { ...r, ...p } : r)));
  const add = (event: FormEvent) => {
    event.preventDefault();
    const label = newLabel.trim();
    if (!label) return;
    setRows((rs) => [...rs, emptyRow(label)]);
    setNewLabel('');
  };
  const submit = () => {
    const result = policyFromRows(rows);
    if (result.errors) return setErrors(result.errors);
    save.mutate(result.body);
  };
  const unplaced = Object.keys(errors).filter((k) => !rows.some((r) => k.startsWith(`labels.${r.label}`)));

  return (
    <div className="space-y-4">
      {rows.length === 0 && <p className="text-sm text-slate-500">No label is gated: any editor (admins for protected labels) moves labels directly.</p>}
      {rows.map((row, i) => (
        <GateEditor
          key={i}
          row={row}
          errors={errors}
          datasets={datasets.data?.items.map((d) => d.name) ?? []}
          readOnly={readOnly}
          onChange={(p) => patch(i, p)}
          onRemove={() => setRows((rs) => rs.filter((_, j) => j !== i))}
        />
      ))}
      {!readOnly && (
        <>
          <form onSubmit={add} noValidate className="flex flex-wrap items-end gap-2">
            <TextField label="Gate another label" placeholder="e.g. production" value={newLabel} onChange={(e) => setNewLabel(e.target.value)} containerClassName="w-64 max-w-full" />
            <Button type="submit" variant="secondary" disabled={rows.length >= MAX_GATED_LABELS || !newLabel.trim()}>
              Add gate
            </Button>
          </form>
          {unplaced.length > 0 && <Alert>{unplaced.map((k) => errors[k]).join(' ')}</Alert>}
          {save.isError && Object.keys(errors).length === 0 && <Alert>{errorMessage(save.error)}</Alert>}
          <Button onClick={submit} loading={save.isPending}>
            Save deploy policy
          </Button>
        </>
      )}
    </div>
  );
}

export function DeployPolicyPage() {
  const { workspaceId, projectId } = useScope();
  const role = useWorkspaceRole(workspaceId);
  const canEdit = roleAtLeast(role, 'admin');
  const policy = useQuery(deployPolicyQueryOptions(projectId));
  return (
    <section aria-labelledby="deploy-policy-heading" className="space-y-4">
      <h2 id="deploy-policy-heading" className="text-lg font-semibold">
        Deploy policy
      </h2>
      <p className="text-sm text-slate-600">
        Gates on moving a label: a passing evaluation of the version, a second admin's approval, or both. Every path that moves a label (web app, API,
        import, <code>pf prompts push --label</code>) checks them. See docs/deploy-gates.md.
      </p>
      {role && !canEdit && <Alert tone="info">Only admins and owners can change the deploy policy. You can read it here.</Alert>}
      {policy.isPending ? (
        <LoadingState />
      ) : policy.isError ? (
        <ErrorState error={policy.error} onRetry={() => void policy.refetch()} />
      ) : (
        <>
          {policy.data.updated_at && (
            <p className="text-xs text-slate-500">
              Last changed {formatDateTime(policy.data.updated_at)}
              {policy.data.updated_by ? ` by ${policy.data.updated_by}` : ''}.
            </p>
          )}
          <PolicyForm key={policy.data.updated_at ?? 'none'} projectId={projectId} policy={policy.data} readOnly={!canEdit} />
        </>
      )}
    </section>
  );
}
