/**
 * The new-evaluation form as plain data: drafts of variants and assertions (strings, as typed),
 * turning them into the create body, checking what the browser can check, and placing the API's
 * field errors (`errors[].loc`, e.g. `variants.1.prompt.label`) next to the field they name.
 */
import type { EvaluationCreate } from '@/api/evaluation-queries';
import type { FieldErrors } from '@/lib/field-errors';
import { assertionType } from './assertion-types';

export const MAX_VARIANTS = 8;
export const MAX_ASSERTIONS = 50;

export interface VariantDraft {
  key: string;
  name: string;
  prompt: string;
  /** Run a label (resolved when the evaluation is created) or a fixed version. */
  by: 'label' | 'version';
  label: string;
  version: string;
  providerId: string;
  model: string;
  temperature: string;
  maxTokens: string;
}

export interface AssertionDraft {
  key: string;
  type: string;
  negate: boolean;
  value: string;
  threshold: string;
  weight: string;
  metric: string;
  providerId: string;
  model: string;
}

export interface EvaluationDraft {
  name: string;
  dataset: string;
  /** '' = the dataset's current version. */
  datasetVersion: string;
  variants: VariantDraft[];
  assertions: AssertionDraft[];
  concurrency: string;
  passThreshold: string;
}

let nextKey = 1;
const key = (prefix: string) => `${prefix}-${nextKey++}`;

export function emptyVariant(over: Partial<VariantDraft> = {}): VariantDraft {
  return { key: key('v'), name: '', prompt: '', by: 'label', label: 'latest', version: '', providerId: '', model: '', temperature: '', maxTokens: '', ...over };
}

export function emptyAssertion(type = 'icontains', over: Partial<AssertionDraft> = {}): AssertionDraft {
  return { key: key('a'), type, negate: false, value: '', threshold: '', weight: '', metric: '', providerId: '', model: '', ...over };
}

export function emptyDraft(): EvaluationDraft {
  return { name: '', dataset: '', datasetVersion: '', variants: [emptyVariant({ name: 'A' })], assertions: [], concurrency: '10', passThreshold: '1' };
}

/** A name not yet taken: "A" → "B" …, "mini" → "mini (2)". */
export function uniqueVariantName(wanted: string, taken: readonly string[]): string {
  const set = new Set(taken);
  if (wanted && !set.has(wanted)) return wanted;
  if (/^[A-Z]$/.test(wanted) || !wanted) {
    for (let c = 65; c < 91; c++) if (!set.has(String.fromCharCode(c))) return String.fromCharCode(c);
  }
  const base = wanted.replace(/ \(\d+\)$/, '');
  for (let n = 2; ; n++) if (!set.has(`${base} (${n})`)) return `${base} (${n})`;
}

/** The variant list with a copy of variant `index` right after it, under a new name (to vary one thing). */
export function duplicateVariant(variants: readonly VariantDraft[], index: number): VariantDraft[] {
  const source = variants[index];
  if (!source || variants.length >= MAX_VARIANTS) return [...variants];
  const copy: VariantDraft = { ...source, key: key('v'), name: uniqueVariantName(source.name, variants.map((v) => v.name)) };
  return [...variants.slice(0, index + 1), copy, ...variants.slice(index + 1)];
}

export function addVariant(variants: readonly VariantDraft[]): VariantDraft[] {
  if (variants.length >= MAX_VARIANTS) return [...variants];
  const last = variants[variants.length - 1];
  // A new variant starts from the last one's prompt and provider: most comparisons vary one thing.
  const fresh = emptyVariant({ prompt: last?.prompt ?? '', providerId: last?.providerId ?? '', model: last?.model ?? '' });
  return [...variants, { ...fresh, name: uniqueVariantName('', variants.map((v) => v.name)) }];
}

const numberOrNull = (text: string): number | null => {
  if (text.trim() === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : NaN;
};

function assertionValue(draft: AssertionDraft): unknown {
  const kind = assertionType(draft.type).value;
  const text = draft.value;
  switch (kind) {
    case 'none':
      return undefined;
    case 'lines': {
      const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
      return draft.type === 'similar' && lines.length === 1 ? lines[0] : lines;
    }
    case 'json-or-text': {
      // `equals` with an object or array compares parsed JSON; anything else compares text.
      const trimmed = text.trim();
      if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
        try {
          return JSON.parse(trimmed) as unknown;
        } catch {
          return text;
        }
      }
      return text;
    }
    case 'schema': {
      if (text.trim() === '') return undefined;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text; // YAML text of a schema is accepted too
      }
    }
    case 'children':
      return undefined;
    default:
      return text;
  }
}

/** One assertion as the API takes it. */
export function assertionBody(draft: AssertionDraft): Record<string, unknown> {
  const spec = assertionType(draft.type);
  const body: Record<string, unknown> = { type: spec.negatable && draft.negate ? `not-${draft.type}` : draft.type };
  if (spec.value === 'children') {
    try {
      body.assert = JSON.parse(draft.value || '[]') as unknown;
    } catch {
      body.assert = draft.value; // the server names the field
    }
  } else {
    const value = assertionValue(draft);
    if (value !== undefined) body.value = value;
  }
  const threshold = numberOrNull(draft.threshold);
  if (spec.threshold && threshold !== null) body.threshold = threshold;
  const weight = numberOrNull(draft.weight);
  if (weight !== null) body.weight = weight;
  if (draft.metric.trim()) body.metric = draft.metric.trim();
  if (spec.model) body.provider = { provider_id: draft.providerId, model: draft.model.trim() };
  return body;
}

export function variantBody(draft: VariantDraft): EvaluationCreate['variants'][number] {
  const version = numberOrNull(draft.version);
  const params: Record<string, number> = {};
  const temperature = numberOrNull(draft.temperature);
  const maxTokens = numberOrNull(draft.maxTokens);
  if (temperature !== null) params.temperature = temperature;
  if (maxTokens !== null) params.max_tokens = maxTokens;
  return {
    name: draft.name.trim(),
    prompt: draft.by === 'version' ? { name: draft.prompt, version } : { name: draft.prompt, label: draft.label || 'latest' },
    provider_id: draft.providerId,
    model: draft.model.trim() || null,
    params,
  };
}

/** The create (and estimate) body. */
export function evaluationBody(draft: EvaluationDraft): EvaluationCreate {
  const version = numberOrNull(draft.datasetVersion);
  return {
    name: draft.name.trim(),
    dataset: { name: draft.dataset, version },
    variants: draft.variants.map(variantBody),
    assertions: draft.assertions.map(assertionBody),
    concurrency: numberOrNull(draft.concurrency) ?? 10,
    pass_threshold: numberOrNull(draft.passThreshold) ?? 1,
  };
}

const isNumber = (text: string) => text.trim() === '' || Number.isFinite(Number(text));

/**
 * What the browser can tell before asking the server, keyed like the API's errors. `forEstimate`
 * skips the name (an estimate does not need one).
 */
export function checkDraft(draft: EvaluationDraft, { forEstimate = false } = {}): FieldErrors {
  const errors: FieldErrors = {};
  if (!forEstimate && !draft.name.trim()) errors.name = 'Give the evaluation a name.';
  if (!draft.dataset) errors['dataset.name'] = 'Pick a dataset.';
  if (!isNumber(draft.datasetVersion) || Number(draft.datasetVersion) < 0) errors['dataset.version'] = 'A version number, or empty for the current one.';
  const names = new Map<string, number>();
  draft.variants.forEach((v, i) => {
    const at = `variants.${i}`;
    if (!v.name.trim()) errors[`${at}.name`] = 'Name the variant.';
    else if (names.has(v.name.trim())) errors[`${at}.name`] = 'Variant names must be unique.';
    names.set(v.name.trim(), i);
    if (!v.prompt) errors[`${at}.prompt.name`] = 'Pick a prompt.';
    if (v.by === 'version' && !/^\d+$/.test(v.version.trim())) errors[`${at}.prompt.version`] = 'Pick a version.';
    if (!v.providerId) errors[`${at}.provider_id`] = 'Pick a provider connection.';
    if (!isNumber(v.temperature)) errors[`${at}.params.temperature`] = 'A number, e.g. 0 or 0.7.';
    if (!/^\d*$/.test(v.maxTokens.trim())) errors[`${at}.params.max_tokens`] = 'A whole number of tokens.';
  });
  draft.assertions.forEach((a, i) => {
    const at = `assertions.${i}`;
    const spec = assertionType(a.type);
    if (spec.valueRequired && !a.value.trim()) errors[`${at}.value`] = spec.value === 'children' ? 'List the assertions of the set.' : 'This type needs a value.';
    if (spec.value === 'children' && a.value.trim()) {
      try {
        if (!Array.isArray(JSON.parse(a.value))) errors[`${at}.assert`] = 'A JSON list of assertions.';
      } catch {
        errors[`${at}.assert`] = 'A JSON list of assertions, e.g. [{"type": "contains", "value": "x"}].';
      }
    }
    if (spec.threshold?.required && !a.threshold.trim()) errors[`${at}.threshold`] = `${spec.threshold.label} is required.`;
    if (!isNumber(a.threshold)) errors[`${at}.threshold`] = 'A number.';
    if (!isNumber(a.weight) || Number(a.weight) < 0) errors[`${at}.weight`] = 'A number ≥ 0 (0 = informational).';
    if (spec.model && !a.providerId) errors[`${at}.provider.provider_id`] = spec.model === 'judge' ? 'Pick the judge’s connection.' : 'Pick the embedding connection.';
    if (spec.model && !a.model.trim()) errors[`${at}.provider.model`] = 'Name the model.';
  });
  if (!isNumber(draft.concurrency) || !Number.isInteger(Number(draft.concurrency)) || Number(draft.concurrency) < 1 || Number(draft.concurrency) > 50)
    errors.concurrency = 'Between 1 and 50 calls in flight.';
  if (!isNumber(draft.passThreshold) || Number(draft.passThreshold) < 0 || Number(draft.passThreshold) > 1) errors.pass_threshold = 'Between 0 and 1 (1 = every item must pass).';
  return errors;
}

/**
 * Every field key the form shows, in order: an API error on one of these (or below it, e.g.
 * `variants.0.params.temperature.x`) appears next to it; the rest go to the banner.
 */
export function shownFields(draft: EvaluationDraft): string[] {
  const keys = ['name', 'dataset.name', 'dataset.version', 'dataset'];
  draft.variants.forEach((_, i) => {
    for (const f of ['name', 'prompt.name', 'prompt.label', 'prompt.version', 'prompt', 'provider_id', 'model', 'params.temperature', 'params.max_tokens']) keys.push(`variants.${i}.${f}`);
  });
  draft.assertions.forEach((_, i) => {
    for (const f of ['type', 'value', 'assert', 'threshold', 'weight', 'metric', 'provider.provider_id', 'provider.model', 'provider']) keys.push(`assertions.${i}.${f}`);
  });
  keys.push('concurrency', 'pass_threshold');
  return keys;
}

/**
 * Re-key the API's errors to the field shown for them: the longest shown key that is the error's
 * key or a prefix of it. Errors no field shows are returned apart (for a banner).
 */
export function placeErrors(errors: FieldErrors, shown: readonly string[]): { fields: FieldErrors; other: string[] } {
  const fields: FieldErrors = {};
  const other: string[] = [];
  const byLength = [...shown].sort((a, b) => b.length - a.length);
  for (const [path, message] of Object.entries(errors)) {
    const target = byLength.find((k) => path === k || path.startsWith(`${k}.`));
    if (target) {
      if (!(target in fields)) fields[target] = message;
    } else other.push(path && path !== '_' ? `${path}: ${message}` : message);
  }
  return { fields, other };
}
