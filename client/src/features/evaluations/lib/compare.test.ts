import { describe, expect, it } from 'vitest';
import type { CompareChange, Comparison } from '@/api/generated/types.gen';
import { changeSections, deltaRows, deltaTone, FIGURES, formatDelta, verdict } from './compare';

const change = (item: string, before: 'passed' | 'failed', after: 'passed' | 'failed'): CompareChange => ({
  item_id: item,
  variant: 'v1',
  input: {},
  before: { status: before, score: before === 'passed' ? 1 : 0, output: 'b' },
  after: { status: after, score: after === 'passed' ? 1 : 0, output: 'a' },
  failed_assertions: [],
});

const comparison: Comparison = {
  evaluation_id: 'after',
  against_id: 'before',
  counts: { regressions: 250, fixes: 1, unchanged: 7, unmatched: 0 },
  regressions: [change('r1', 'passed', 'failed'), change('r2', 'passed', 'failed')],
  fixes: [change('f1', 'failed', 'passed')],
  variants: [
    {
      variant: 'v1',
      changes: {
        cost_usd: { before: 0.002, after: 0.001, delta: -0.001 },
        pass_rate: { before: 0.95, after: 0.9, delta: -0.05 },
        latency_p95_ms: { before: 400, after: 520, delta: 120 },
        results: { before: 10, after: 12, delta: 2 },
        mean_score: { before: null, after: 0.5, delta: null },
        something_new: { before: 1, after: 2, delta: 1 },
      },
    },
  ],
};

const figure = (key: string) => FIGURES.find((f) => f.key === key)!;

describe('comparison ordering', () => {
  it('puts regressions first, then fixes, keeping the server order and the full counts', () => {
    const sections = changeSections(comparison);
    expect(sections.map((s) => s.kind)).toEqual(['regressions', 'fixes']);
    expect(sections[0]!.changes.map((c) => c.item_id)).toEqual(['r1', 'r2']);
    expect(sections[0]!.total).toBe(250);
  });

  it('lists a variant’s figures in table order, skipping ones it does not know', () => {
    expect(deltaRows(comparison.variants[0]!.changes).map((r) => r.figure.key)).toEqual(['pass_rate', 'mean_score', 'results', 'latency_p95_ms', 'cost_usd']);
  });

  it('sums the counts up in a verdict', () => {
    expect(verdict(comparison)).toBe('250 regressions · 1 fix · 7 unchanged');
    expect(verdict({ ...comparison, counts: { regressions: 1, fixes: 0, unchanged: 0, unmatched: 3 } })).toBe('1 regression · 0 fixes · 0 unchanged · 3 unmatched');
  });
});

describe('delta formatting', () => {
  it('signs every delta and uses percentage points for rates', () => {
    expect(formatDelta('rate', -0.05)).toBe('−5.0 pp');
    expect(formatDelta('rate', 0.125)).toBe('+12.5 pp');
    expect(formatDelta('ms', 120)).toBe('+120 ms');
    expect(formatDelta('usd', -0.001)).toBe('−$0.0010');
    expect(formatDelta('count', 2)).toBe('+2');
    expect(formatDelta('score', 0)).toBe('±0');
    expect(formatDelta('score', null)).toBe('—');
  });

  it('colours by which direction is better', () => {
    expect(deltaTone(figure('pass_rate'), -0.05)).toBe('bad');
    expect(deltaTone(figure('pass_rate'), 0.05)).toBe('good');
    expect(deltaTone(figure('latency_p95_ms'), 120)).toBe('bad');
    expect(deltaTone(figure('cost_usd'), -0.001)).toBe('good');
    expect(deltaTone(figure('results'), 2)).toBe('neutral');
    expect(deltaTone(figure('failed'), 0)).toBe('neutral');
    expect(deltaTone(figure('mean_score'), null)).toBe('neutral');
  });

  it('formats both sides of a row, unknown as a dash', () => {
    const rows = deltaRows(comparison.variants[0]!.changes);
    const passRate = rows.find((r) => r.figure.key === 'pass_rate')!;
    expect([passRate.before, passRate.after, passRate.delta, passRate.tone]).toEqual(['95.0%', '90.0%', '−5.0 pp', 'bad']);
    const meanScore = rows.find((r) => r.figure.key === 'mean_score')!;
    expect([meanScore.before, meanScore.after, meanScore.delta]).toEqual(['—', '0.500', '—']);
  });
});
