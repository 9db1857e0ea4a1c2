import type { Prompt } from '@/api/generated/types.gen';
import type { RunProvider } from '@/api/provider-queries';
import { Button } from '@/components/button';
import { SelectField, TextField } from '@/components/form-field';
import type { FieldErrors } from '@/lib/field-errors';
import type { VariantDraft } from '../lib/evaluation-form';

export interface VariantEditorProps {
  index: number;
  variant: VariantDraft;
  prompts: readonly Prompt[];
  providers: readonly RunProvider[];
  errors: FieldErrors;
  canDuplicate: boolean;
  canRemove: boolean;
  onChange: (next: VariantDraft) => void;
  onDuplicate: () => void;
  onRemove: () => void;
}

/** One variant: a prompt (by label or version) on a provider connection and model, with parameters. */
export function VariantEditor({ index, variant, prompts, providers, errors, canDuplicate, canRemove, onChange, onDuplicate, onRemove }: VariantEditorProps) {
  const at = `variants.${index}`;
  const set = (patch: Partial<VariantDraft>) => onChange({ ...variant, ...patch });
  const prompt = prompts.find((p) => p.name === variant.prompt);
  const provider = providers.find((p) => p.id === variant.providerId);
  const labels = prompt ? ['latest', ...Object.keys(prompt.labels).filter((l) => l !== 'latest').sort()] : ['latest'];
  const versions = prompt ? Array.from({ length: prompt.latest_version }, (_, i) => prompt.latest_version - i) : [];
  const listId = `models-${variant.key}`;
  const title = variant.name.trim() || `Variant ${index + 1}`;
  return (
    <fieldset aria-label={`Variant ${index + 1}`} className="space-y-3 rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <legend className="text-sm font-semibold text-slate-800">{title}</legend>
        <div className="flex gap-1">
          <Button variant="ghost" size="sm" disabled={!canDuplicate} onClick={onDuplicate} aria-label={`Duplicate variant ${title}`}>
            Duplicate variant
          </Button>
          {canRemove && (
            <Button variant="ghost" size="sm" onClick={onRemove} aria-label={`Remove variant ${title}`}>
              Remove
            </Button>
          )}
        </div>
      </div>
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <TextField label="Variant name" value={variant.name} maxLength={100} onChange={(e) => set({ name: e.target.value })} error={errors[`${at}.name`]} />
        <SelectField
          label="Prompt"
          value={variant.prompt}
          onChange={(e) => set({ prompt: e.target.value, label: 'latest', version: '' })}
          options={[{ value: '', label: 'Pick a prompt…' }, ...prompts.map((p) => ({ value: p.name, label: `${p.name} (${p.kind}, v${p.latest_version})` }))]}
          error={errors[`${at}.prompt.name`] ?? errors[`${at}.prompt`]}
        />
        <SelectField
          label="Run"
          value={variant.by}
          onChange={(e) => set({ by: e.target.value as VariantDraft['by'] })}
          options={[
            { value: 'label', label: 'A label (resolved at start)' },
            { value: 'version', label: 'A fixed version' },
          ]}
        />
        {variant.by === 'label' ? (
          <SelectField
            label="Label"
            value={variant.label}
            onChange={(e) => set({ label: e.target.value })}
            options={labels.map((l) => ({ value: l, label: l === 'latest' ? `latest${prompt ? ` (v${prompt.latest_version})` : ''}` : `${l} (v${prompt?.labels[l]})` }))}
            error={errors[`${at}.prompt.label`]}
          />
        ) : (
          <SelectField
            label="Version"
            value={variant.version}
            onChange={(e) => set({ version: e.target.value })}
            options={[{ value: '', label: 'Pick a version…' }, ...versions.map((n) => ({ value: String(n), label: `v${n}` }))]}
            error={errors[`${at}.prompt.version`]}
          />
        )}
        <SelectField
          label="Provider connection"
          value={variant.providerId}
          onChange={(e) => set({ providerId: e.target.value })}
          options={[{ value: '', label: 'Pick a connection…' }, ...providers.map((p) => ({ value: p.id, label: p.label || p.name }))]}
          error={errors[`${at}.provider_id`]}
        />
        <TextField
          label="Model"
          list={listId}
          value={variant.model}
          maxLength={200}
          placeholder={provider?.default_model ? `default: version's, else ${provider.default_model}` : "default: the version's"}
          onChange={(e) => set({ model: e.target.value })}
          error={errors[`${at}.model`]}
        />
        <datalist id={listId}>
          {(provider?.models ?? []).map((m) => (
            <option key={m} value={m} />
          ))}
        </datalist>
        <TextField label="Temperature" inputMode="decimal" placeholder="version's" value={variant.temperature} onChange={(e) => set({ temperature: e.target.value })} error={errors[`${at}.params.temperature`]} />
        <TextField label="Max tokens" inputMode="numeric" placeholder="version's" value={variant.maxTokens} onChange={(e) => set({ maxTokens: e.target.value })} error={errors[`${at}.params.max_tokens`]} />
      </div>
    </fieldset>
  );
}
