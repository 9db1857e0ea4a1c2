import type { RunProvider } from '@/api/provider-queries';
import { Button } from '@/components/button';
import { SelectField, TextAreaField, TextField } from '@/components/form-field';
import type { FieldErrors } from '@/lib/field-errors';
import { ASSERTION_TYPES, assertionType } from '../lib/assertion-types';
import type { AssertionDraft } from '../lib/evaluation-form';

const FAMILIES = [...new Set(ASSERTION_TYPES.map((t) => t.family))];

/** The type picker, grouped by family as docs/evaluations.md is. */
export function AssertionTypeSelect({ label, value, onChange }: { label: string; value: string; onChange: (type: string) => void }) {
  return (
    <div className="space-y-1">
      <label className="block text-sm font-medium text-slate-700">
        {label}
        <select
          value={value}
          onChange={(e) => onChange(e.target.value)}
          className="mt-1 block w-full rounded-md border-0 bg-white px-3 py-2 pr-8 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 focus:ring-inset"
        >
          {FAMILIES.map((family) => (
            <optgroup key={family} label={family}>
              {ASSERTION_TYPES.filter((t) => t.family === family).map((t) => (
                <option key={t.type} value={t.type}>
                  {t.type}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
    </div>
  );
}

export interface AssertionEditorProps {
  index: number;
  assertion: AssertionDraft;
  providers: readonly RunProvider[];
  errors: FieldErrors;
  onChange: (next: AssertionDraft) => void;
  onRemove: () => void;
}

/** One assertion with the fields its type takes, its one-line explanation and an example. */
export function AssertionEditor({ index, assertion, providers, errors, onChange, onRemove }: AssertionEditorProps) {
  const at = `assertions.${index}`;
  const spec = assertionType(assertion.type);
  const set = (patch: Partial<AssertionDraft>) => onChange({ ...assertion, ...patch });
  const shownType = spec.negatable && assertion.negate ? `not-${spec.type}` : spec.type;
  const valueError = errors[`${at}.value`] ?? errors[`${at}.assert`];
  return (
    <fieldset aria-label={`Assertion ${index + 1}: ${shownType}`} className="space-y-3 rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <legend className="font-mono text-sm font-semibold text-slate-800">{shownType}</legend>
          <p className="text-xs text-slate-600">
            {assertion.negate && spec.negatable ? 'Inverted: passes where this fails. ' : ''}
            {spec.summary}
          </p>
          <p className="text-xs text-slate-500">
            Example: <code className="rounded bg-slate-100 px-1">{spec.example}</code>
          </p>
        </div>
        <Button variant="ghost" size="sm" onClick={onRemove} aria-label={`Remove assertion ${index + 1}`}>
          Remove
        </Button>
      </div>
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <AssertionTypeSelect label="Type" value={assertion.type} onChange={(type) => set({ type, negate: assertionType(type).negatable && assertion.negate })} />
        {spec.negatable && (
          <label className="flex items-center gap-2 self-end pb-2 text-sm text-slate-700">
            <input type="checkbox" className="size-4" checked={assertion.negate} onChange={(e) => set({ negate: e.target.checked })} />
            Invert (<code>not-</code>)
          </label>
        )}
        {spec.threshold && (
          <TextField
            label={spec.threshold.label}
            inputMode="decimal"
            placeholder={spec.threshold.placeholder}
            value={assertion.threshold}
            onChange={(e) => set({ threshold: e.target.value })}
            error={errors[`${at}.threshold`]}
          />
        )}
        <TextField label="Weight" inputMode="decimal" placeholder="1" value={assertion.weight} onChange={(e) => set({ weight: e.target.value })} error={errors[`${at}.weight`]} hint="0 = informational" />
        <TextField label="Metric" placeholder="e.g. tone" maxLength={100} value={assertion.metric} onChange={(e) => set({ metric: e.target.value })} error={errors[`${at}.metric`]} />
        {spec.model && (
          <>
            <SelectField
              label={spec.model === 'judge' ? 'Judge connection' : 'Embedding connection'}
              value={assertion.providerId}
              onChange={(e) => set({ providerId: e.target.value })}
              options={[{ value: '', label: 'Pick a connection…' }, ...providers.map((p) => ({ value: p.id, label: p.label || p.name }))]}
              error={errors[`${at}.provider.provider_id`] ?? errors[`${at}.provider`]}
            />
            <TextField
              label={spec.model === 'judge' ? 'Judge model' : 'Embedding model'}
              placeholder={spec.model === 'judge' ? 'gpt-4o-mini' : 'text-embedding-3-small'}
              value={assertion.model}
              onChange={(e) => set({ model: e.target.value })}
              error={errors[`${at}.provider.model`]}
            />
          </>
        )}
      </div>
      {spec.value !== 'none' &&
        (spec.value === 'text' && spec.type !== 'llm-rubric' ? (
          <TextField label={spec.valueLabel ?? 'Value'} value={assertion.value} placeholder={spec.example} onChange={(e) => set({ value: e.target.value })} error={valueError} hint="A template: {{ variable }} and {{ expected }} come from the item." />
        ) : (
          <TextAreaField
            label={spec.valueLabel ?? 'Value'}
            rows={spec.value === 'lines' ? 3 : 2}
            className="font-mono"
            value={assertion.value}
            placeholder={spec.example}
            onChange={(e) => set({ value: e.target.value })}
            error={valueError}
          />
        ))}
    </fieldset>
  );
}
