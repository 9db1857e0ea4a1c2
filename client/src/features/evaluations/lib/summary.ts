/**
 * The evaluation's `summary` (docs/evaluations.md, "The evaluation and its summary") read into
 * typed figures. The API types it as a free-form object, so every figure is checked here once and
 * the pages never guess: a missing or malformed figure is `null`.
 */
import type { Evaluation } from '@/api/generated/types.gen';

export interface AssertionSummary {
  type: string;
  passed: number;
  total: number;
  passRate: number;
}

export interface MetricSummary {
  metric: string;
  passed: number;
  total: number;
  passRate: number;
  meanScore: number | null;
}

export interface VariantSummary {
  variant: string;
  results: number;
  passed: number;
  failed: number;
  errors: number;
  passRate: number;
  meanScore: number | null;
  assertions: AssertionSummary[];
  metrics: MetricSummary[];
  latency: { p50: number; p95: number; mean: number } | null;
  tokens: { input: number; output: number };
  costUsd: number | null;
  gradingCostUsd: number | null;
}

type Loose = Record<string, unknown>;

const isObject = (value: unknown): value is Loose => typeof value === 'object' && value !== null && !Array.isArray(value);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const count = (value: unknown): number => num(value) ?? 0;

function readLatency(value: unknown): VariantSummary['latency'] {
  if (!isObject(value)) return null;
  const p50 = num(value.p50);
  const p95 = num(value.p95);
  const mean = num(value.mean);
  return p50 === null || p95 === null || mean === null ? null : { p50, p95, mean };
}

export function readVariantSummary(value: unknown): VariantSummary | null {
  if (!isObject(value) || typeof value.variant !== 'string') return null;
  const assertions = Array.isArray(value.assertions)
    ? value.assertions.filter(isObject).map((a) => ({ type: String(a.type), passed: count(a.passed), total: count(a.total), passRate: count(a.pass_rate) }))
    : [];
  const metrics = isObject(value.metrics)
    ? Object.entries(value.metrics)
        .filter((entry): entry is [string, Loose] => isObject(entry[1]))
        .map(([metric, m]) => ({ metric, passed: count(m.passed), total: count(m.total), passRate: count(m.pass_rate), meanScore: num(m.mean_score) }))
    : [];
  const tokens = isObject(value.tokens) ? value.tokens : {};
  return {
    variant: value.variant,
    results: count(value.results),
    passed: count(value.passed),
    failed: count(value.failed),
    errors: count(value.errors),
    passRate: count(value.pass_rate),
    meanScore: num(value.mean_score),
    assertions,
    metrics,
    latency: readLatency(value.latency_ms),
    tokens: { input: count(tokens.input), output: count(tokens.output) },
    costUsd: num(value.cost_usd),
    gradingCostUsd: num(value.grading_cost_usd),
  };
}

/**
 * One summary per variant, in the variants' order; empty until the run ends and writes it
 * (completed, failed or cancelled).
 */
export function variantSummaries(evaluation: Pick<Evaluation, 'summary'>): VariantSummary[] {
  const list = evaluation.summary?.variants;
  if (!Array.isArray(list)) return [];
  return list.map(readVariantSummary).filter((s): s is VariantSummary => s !== null);
}

/** `0.8333` → `83%`, `null` → `—`. */
export function formatPercent(rate: number | null | undefined, digits = 0): string {
  if (rate === null || rate === undefined) return '—';
  return `${(rate * 100).toFixed(digits)}%`;
}

/** Costs are tiny: show enough digits to tell variants apart. */
export function formatUsd(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (value === 0) return '$0';
  const sign = value < 0 ? '-' : '';
  const size = Math.abs(value);
  if (size >= 1) return `${sign}$${size.toFixed(2)}`;
  if (size < 0.000001) return `${sign}<$0.000001`;
  return `${sign}$${Number(size.toPrecision(2)).toFixed(Math.min(8, 1 - Math.floor(Math.log10(size))))}`;
}

export function formatMs(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}
