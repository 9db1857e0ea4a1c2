/**
 * Reading a comparison (GET .../compare): regressions first, then fixes, then the summary deltas
 * per variant. Each figure knows its unit and which direction is better, so a delta is shown with
 * its sign and coloured good/bad/neutral.
 */
import type { CompareChange, Comparison, FigureChange } from '@/api/generated/types.gen';
import { formatMs, formatPercent, formatUsd } from './summary';

export type Direction = 'higher' | 'lower' | 'neutral';
export type Tone = 'good' | 'bad' | 'neutral';
type Unit = 'rate' | 'score' | 'count' | 'ms' | 'usd';

export interface Figure {
  key: string;
  label: string;
  unit: Unit;
  better: Direction;
}

/** The figures of `changes`, in the order the table shows them (docs/evaluations.md, Compare). */
export const FIGURES: readonly Figure[] = [
  { key: 'pass_rate', label: 'Pass rate', unit: 'rate', better: 'higher' },
  { key: 'mean_score', label: 'Mean score', unit: 'score', better: 'higher' },
  { key: 'passed', label: 'Passed', unit: 'count', better: 'higher' },
  { key: 'failed', label: 'Failed', unit: 'count', better: 'lower' },
  { key: 'errors', label: 'Errors', unit: 'count', better: 'lower' },
  { key: 'results', label: 'Results', unit: 'count', better: 'neutral' },
  { key: 'latency_p50_ms', label: 'Latency p50', unit: 'ms', better: 'lower' },
  { key: 'latency_p95_ms', label: 'Latency p95', unit: 'ms', better: 'lower' },
  { key: 'latency_mean_ms', label: 'Latency mean', unit: 'ms', better: 'lower' },
  { key: 'input_tokens', label: 'Input tokens', unit: 'count', better: 'neutral' },
  { key: 'output_tokens', label: 'Output tokens', unit: 'count', better: 'neutral' },
  { key: 'cost_usd', label: 'Cost', unit: 'usd', better: 'lower' },
  { key: 'grading_cost_usd', label: 'Grading cost', unit: 'usd', better: 'lower' },
];

export function formatFigure(unit: Unit, value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  switch (unit) {
    case 'rate':
      return formatPercent(value, 1);
    case 'score':
      return value.toFixed(3);
    case 'ms':
      return formatMs(value);
    case 'usd':
      return formatUsd(value);
    case 'count':
      return value.toLocaleString('en-US');
  }
}

/** A delta with its sign: `+5.0 pp`, `−120 ms`, `±0`; `—` when unknown. Rates move in percentage points. */
export function formatDelta(unit: Unit, delta: number | null | undefined): string {
  if (delta === null || delta === undefined) return '—';
  if (delta === 0) return '±0';
  const sign = delta > 0 ? '+' : '−';
  const size = Math.abs(delta);
  switch (unit) {
    case 'rate':
      return `${sign}${(size * 100).toFixed(1)} pp`;
    case 'score':
      return `${sign}${size.toFixed(3)}`;
    case 'ms':
      return `${sign}${formatMs(size)}`;
    case 'usd':
      return `${sign}${formatUsd(size)}`;
    case 'count':
      return `${sign}${size.toLocaleString('en-US')}`;
  }
}

export function deltaTone(figure: Figure, delta: number | null | undefined): Tone {
  if (delta === null || delta === undefined || delta === 0 || figure.better === 'neutral') return 'neutral';
  return (delta > 0) === (figure.better === 'higher') ? 'good' : 'bad';
}

export interface DeltaRow {
  figure: Figure;
  change: FigureChange;
  before: string;
  after: string;
  delta: string;
  tone: Tone;
}

/** One variant's table rows: every known figure in FIGURES order (unknown keys are skipped). */
export function deltaRows(changes: Record<string, FigureChange>): DeltaRow[] {
  return FIGURES.filter((figure) => figure.key in changes).map((figure) => {
    const change = changes[figure.key]!;
    return {
      figure,
      change,
      before: formatFigure(figure.unit, change.before),
      after: formatFigure(figure.unit, change.after),
      delta: formatDelta(figure.unit, change.delta),
      tone: deltaTone(figure, change.delta),
    };
  });
}

export interface ChangeSection {
  kind: 'regressions' | 'fixes';
  title: string;
  changes: CompareChange[];
  /** The full number (the lists carry the first 200). */
  total: number;
}

/** Regressions first (what a reviewer must look at), then fixes; each in matrix order as the server sent it. */
export function changeSections(comparison: Comparison): ChangeSection[] {
  return [
    { kind: 'regressions', title: 'Regressions', changes: comparison.regressions, total: comparison.counts.regressions },
    { kind: 'fixes', title: 'Fixes', changes: comparison.fixes, total: comparison.counts.fixes },
  ];
}

/** A one-line verdict for the page top. */
export function verdict(comparison: Comparison): string {
  const { regressions, fixes, unchanged, unmatched } = comparison.counts;
  const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
  const parts = [plural(regressions, 'regression', 'regressions'), plural(fixes, 'fix', 'fixes'), `${unchanged.toLocaleString('en-US')} unchanged`];
  if (unmatched > 0) parts.push(`${unmatched.toLocaleString('en-US')} unmatched`);
  return parts.join(' · ');
}
