/**
 * Variants of a playground comparison: each is one prompt source (a label, a version or the
 * unsaved draft) run with one provider, model and parameters. Form values stay strings until a
 * run is built, so an empty field means "not set" (the version's model_config applies).
 */
import type { RunCreate, RunParams, Template } from '../api/runs-api';

export const MAX_VARIANTS = 4;
export const DRAFT_SOURCE = 'draft';

export interface ParamsForm {
  temperature: string;
  max_tokens: string;
  top_p: string;
  stop: string;
  seed: string;
}

export interface Variant {
  id: string;
  /** `draft`, `label:<name>` or `version:<n>`. */
  source: string;
  providerId: string;
  model: string;
  params: ParamsForm;
}

export const EMPTY_PARAMS: ParamsForm = { temperature: '', max_tokens: '', top_p: '', stop: '', seed: '' };

let counter = 0;
export function newVariant(init: Partial<Omit<Variant, 'id'>> = {}): Variant {
  counter += 1;
  return { id: `v${counter}-${Date.now().toString(36)}`, source: DRAFT_SOURCE, providerId: '', model: '', params: { ...EMPTY_PARAMS }, ...init };
}

export const labelSource = (label: string) => `label:${label}`;
export const versionSource = (n: number) => `version:${n}`;

/** The version number a source stands for (labels through the prompt's label map), or null for the draft. */
export function sourceVersion(source: string, labels: Record<string, number>): number | null {
  if (source.startsWith('version:')) return Number(source.slice('version:'.length));
  if (source.startsWith('label:')) return labels[source.slice('label:'.length)] ?? null;
  return null;
}

/** A short human name for a source, e.g. "production (v3)", "v2", "Draft". */
export function sourceLabel(source: string, labels: Record<string, number>): string {
  if (source.startsWith('label:')) {
    const label = source.slice('label:'.length);
    const n = labels[label];
    return n === undefined ? label : `${label} (v${n})`;
  }
  if (source.startsWith('version:')) return `v${source.slice('version:'.length)}`;
  return 'Draft';
}

/** Run parameters from the form, or the errors of the fields that do not parse or are out of range. */
export function parseParams(form: ParamsForm): { params: RunParams; errors: Partial<Record<keyof ParamsForm, string>> } {
  const params: RunParams = {};
  const errors: Partial<Record<keyof ParamsForm, string>> = {};
  const number = (key: 'temperature' | 'top_p', min: number, max: number) => {
    const text = form[key].trim();
    if (!text) return;
    const n = Number(text);
    if (!Number.isFinite(n) || n < min || n > max) errors[key] = `Between ${min} and ${max}.`;
    else params[key] = n;
  };
  number('temperature', 0, 2);
  number('top_p', 0, 1);
  const maxTokens = form.max_tokens.trim();
  if (maxTokens) {
    const n = Number(maxTokens);
    if (!Number.isInteger(n) || n < 1) errors.max_tokens = 'A whole number of at least 1.';
    else params.max_tokens = n;
  }
  const seed = form.seed.trim();
  if (seed) {
    const n = Number(seed);
    if (!Number.isInteger(n)) errors.seed = 'A whole number.';
    else params.seed = n;
  }
  const stop = form.stop
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (stop.length > 4) errors.stop = 'At most 4 stop sequences.';
  else if (stop.length > 0) params.stop = stop;
  return { params, errors };
}

/** The POST /runs body of a variant. */
export function buildRunRequest(
  variant: Variant,
  { promptName, draft, variables, params }: { promptName: string; draft: Template; variables: Record<string, unknown>; params: RunParams },
): RunCreate {
  const base = {
    variables,
    provider_id: variant.providerId,
    ...(variant.model.trim() ? { model: variant.model.trim() } : {}),
    ...(Object.keys(params).length > 0 ? { params } : {}),
  };
  if (variant.source === DRAFT_SOURCE || !promptName) {
    return { ...base, template: draft, kind: typeof draft === 'string' ? 'text' : 'chat' };
  }
  if (variant.source.startsWith('label:')) return { ...base, prompt: { name: promptName, label: variant.source.slice('label:'.length) } };
  return { ...base, prompt: { name: promptName, version: Number(variant.source.slice('version:'.length)) } };
}
