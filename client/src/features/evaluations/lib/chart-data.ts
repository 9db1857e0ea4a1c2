/**
 * Rows for the charts (and their screen-reader tables), from the variants' summaries: pass rate
 * per variant, pass rate per assertion type and per metric per variant, latency p50/p95/mean per
 * variant, cost per variant. The summary holds latency percentiles rather than every latency, so
 * the latency chart shows p50/p95/mean bars: that scales to any evaluation size.
 */
import type { VariantSummary } from './summary';

export interface PassRateDatum {
  variant: string;
  /** Percent, 0–100, for the axis. */
  passRate: number;
  passed: number;
  results: number;
}

export function passRateData(summaries: readonly VariantSummary[]): PassRateDatum[] {
  return summaries.map((s) => ({ variant: s.variant, passRate: round(s.passRate * 100), passed: s.passed, results: s.results }));
}

/** One row per assertion type (then per metric, prefixed `metric:`), one percent column per variant. */
export interface GroupedDatum {
  name: string;
  [variant: string]: number | string | null;
}

export function assertionPassRateData(summaries: readonly VariantSummary[]): GroupedDatum[] {
  const rows = new Map<string, GroupedDatum>();
  const row = (name: string) => {
    let found = rows.get(name);
    if (!found) {
      found = { name };
      for (const s of summaries) found[s.variant] = null;
      rows.set(name, found);
    }
    return found;
  };
  for (const s of summaries) for (const a of s.assertions) row(a.type)[s.variant] = round(a.passRate * 100);
  for (const s of summaries) for (const m of s.metrics) row(`metric: ${m.metric}`)[s.variant] = round(m.passRate * 100);
  return [...rows.values()];
}

export interface LatencyDatum {
  variant: string;
  p50: number | null;
  p95: number | null;
  mean: number | null;
}

export function latencyData(summaries: readonly VariantSummary[]): LatencyDatum[] {
  return summaries.map((s) => ({ variant: s.variant, p50: s.latency?.p50 ?? null, p95: s.latency?.p95 ?? null, mean: s.latency?.mean ?? null }));
}

export interface CostDatum {
  variant: string;
  cost: number | null;
  grading: number | null;
}

export function costData(summaries: readonly VariantSummary[]): CostDatum[] {
  return summaries.map((s) => ({ variant: s.variant, cost: s.costUsd, grading: s.gradingCostUsd }));
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
