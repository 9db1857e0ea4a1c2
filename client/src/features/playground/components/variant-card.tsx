import { useId } from 'react';
import { providerOptionLabel, type RunProvider } from '@/api/provider-queries';
import { Badge } from '@/components/badge';
import { Button } from '@/components/button';
import { SelectField, TextField } from '@/components/form-field';
import type { VariantRun } from '../hooks/use-variant-runs';
import { formatCost, formatMs, formatTokens } from '../lib/run-metrics';
import type { ParamsForm, Variant } from '../lib/variants';

export interface VariantCardProps {
  index: number;
  variant: Variant;
  sources: { value: string; label: string }[];
  providers: RunProvider[];
  result: VariantRun | undefined;
  paramErrors: Partial<Record<keyof ParamsForm, string>>;
  onChange: (variant: Variant) => void;
  onRemove?: () => void;
  /** Offered on a completed run (editors): save it as a dataset item. */
  onAddToDataset?: (runId: string) => void;
}

const STATUS_TONE = { streaming: 'indigo', completed: 'green', failed: 'red', cancelled: 'amber' } as const;
const STATUS_TEXT = { streaming: 'Streaming…', completed: 'Completed', failed: 'Failed', cancelled: 'Stopped' } as const;

/** One column of the comparison: what to run (source × provider × model × parameters) and its result. */
export function VariantCard({ index, variant, sources, providers, result, paramErrors, onChange, onRemove, onAddToDataset }: VariantCardProps) {
  const name = `Variant ${index + 1}`;
  const headingId = useId();
  const listId = useId();
  const provider = providers.find((p) => p.id === variant.providerId);
  const setParam = (key: keyof ParamsForm, value: string) => onChange({ ...variant, params: { ...variant.params, [key]: value } });
  const suffix = ` (${name.toLowerCase()})`;
  const run = result?.run;
  const hasParamErrors = Object.keys(paramErrors).length > 0;

  return (
    <section aria-labelledby={headingId} className="flex min-w-0 flex-col gap-3 rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <div className="flex items-center justify-between gap-2">
        <h3 id={headingId} className="text-sm font-semibold text-slate-900">
          {name}
        </h3>
        {onRemove && (
          <Button variant="ghost" size="sm" onClick={onRemove} aria-label={`Remove ${name.toLowerCase()}`}>
            Remove
          </Button>
        )}
      </div>
      <SelectField label={`Version${suffix}`} value={variant.source} onChange={(e) => onChange({ ...variant, source: e.target.value })} options={sources} />
      <SelectField
        label={`Provider${suffix}`}
        value={variant.providerId}
        onChange={(e) => onChange({ ...variant, providerId: e.target.value, model: '' })}
        options={providers.map((p) => ({ value: p.id, label: providerOptionLabel(p) }))}
      />
      {provider?.kind === 'echo' ? (
        <p className="text-xs text-slate-500">Echo returns the rendered prompt without calling a model; nothing is spent.</p>
      ) : (
        <>
          <TextField
            label={`Model${suffix}`}
            value={variant.model}
            onChange={(e) => onChange({ ...variant, model: e.target.value })}
            placeholder={provider?.default_model ?? 'the version’s or provider’s default'}
            list={provider && provider.models.length > 0 ? listId : undefined}
            autoComplete="off"
          />
          {provider && provider.models.length > 0 && (
            <datalist id={listId}>
              {provider.models.map((m) => (
                <option key={m} value={m} />
              ))}
            </datalist>
          )}
        </>
      )}
      <details className="rounded-md bg-slate-50 px-3 py-2 ring-1 ring-slate-200" open={hasParamErrors || undefined}>
        <summary className="cursor-pointer text-sm font-medium text-slate-700">Parameters{suffix}</summary>
        <div className="mt-2 grid grid-cols-2 gap-2">
          <TextField label={`Temperature${suffix}`} inputMode="decimal" placeholder="0–2" value={variant.params.temperature} onChange={(e) => setParam('temperature', e.target.value)} error={paramErrors.temperature} />
          <TextField label={`Max tokens${suffix}`} inputMode="numeric" value={variant.params.max_tokens} onChange={(e) => setParam('max_tokens', e.target.value)} error={paramErrors.max_tokens} />
          <TextField label={`Top p${suffix}`} inputMode="decimal" placeholder="0–1" value={variant.params.top_p} onChange={(e) => setParam('top_p', e.target.value)} error={paramErrors.top_p} />
          <TextField label={`Seed${suffix}`} inputMode="numeric" value={variant.params.seed} onChange={(e) => setParam('seed', e.target.value)} error={paramErrors.seed} />
          <TextField
            label={`Stop sequences${suffix}`}
            containerClassName="col-span-2"
            placeholder="comma-separated, up to 4"
            value={variant.params.stop}
            onChange={(e) => setParam('stop', e.target.value)}
            error={paramErrors.stop}
          />
        </div>
      </details>

      <div className="mt-1 flex min-h-0 flex-1 flex-col gap-2 border-t border-slate-100 pt-3">
        <div className="flex items-center justify-between gap-2">
          <span className="text-sm font-medium text-slate-700">Output</span>
          {result && <Badge tone={STATUS_TONE[result.status]}>{STATUS_TEXT[result.status]}</Badge>}
        </div>
        <pre
          aria-label={`Output of ${name.toLowerCase()}`}
          aria-live="polite"
          aria-busy={result?.status === 'streaming'}
          className="max-h-80 min-h-24 overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs whitespace-pre-wrap text-slate-100"
        >
          {result ? result.output : ''}
          {!result && <span className="text-slate-400">Run to see the answer here.</span>}
        </pre>
        {result?.error && (
          <p role="alert" className="text-xs text-red-700">
            {result.error}
          </p>
        )}
        {run && (
          <dl aria-label={`Metrics of ${name.toLowerCase()}`} className="grid grid-cols-2 gap-x-3 gap-y-1 text-xs">
            <dt className="text-slate-500">Model</dt>
            <dd className="truncate font-medium" title={run.model}>
              {run.model}
            </dd>
            <dt className="text-slate-500">Tokens in / out</dt>
            <dd className="font-medium">
              {formatTokens(run.usage.input_tokens)} / {formatTokens(run.usage.output_tokens)}
            </dd>
            <dt className="text-slate-500">Cost</dt>
            <dd className="font-medium">{formatCost(run.cost_usd)}</dd>
            <dt className="text-slate-500">Latency</dt>
            <dd className="font-medium">{formatMs(run.latency_ms)}</dd>
            <dt className="text-slate-500">Time to first token</dt>
            <dd className="font-medium">{formatMs(run.time_to_first_token_ms)}</dd>
          </dl>
        )}
        {run && result?.status === 'completed' && onAddToDataset && (
          <Button variant="secondary" size="sm" className="self-start" onClick={() => onAddToDataset(run.id)} aria-label={`Add the run of ${name.toLowerCase()} to a dataset`}>
            Add to dataset
          </Button>
        )}
      </div>
    </section>
  );
}
