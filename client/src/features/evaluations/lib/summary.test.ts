import { describe, expect, it } from 'vitest';
import { assertionPassRateData, latencyData, passRateData } from './chart-data';
import { formatUsd, variantSummaries } from './summary';

const summary = {
  variants: [
    {
      variant: 'mini',
      results: 3,
      passed: 2,
      failed: 1,
      errors: 0,
      pass_rate: 0.6666666667,
      mean_score: 0.8,
      assertions: [
        { type: 'contains', passed: 3, total: 3, pass_rate: 1 },
        { type: 'not-icontains', passed: 2, total: 3, pass_rate: 0.6666666667 },
      ],
      metrics: { tone: { passed: 1, total: 3, pass_rate: 0.3333333333, mean_score: 0.5 } },
      latency_ms: { p50: 100, p95: 190, mean: 120 },
      tokens: { input: 30, output: 40 },
      cost_usd: 0.0000111,
      grading_cost_usd: null,
    },
    { variant: 'big', results: 3, passed: 3, failed: 0, errors: 0, pass_rate: 1, mean_score: 1, assertions: [{ type: 'contains', passed: 3, total: 3, pass_rate: 1 }], metrics: {}, latency_ms: null, tokens: {}, cost_usd: null, grading_cost_usd: null },
    'not a summary',
  ],
};

describe('summary', () => {
  it('reads each variant’s figures and skips malformed entries', () => {
    const [mini, big, ...rest] = variantSummaries({ summary });
    expect(rest).toEqual([]);
    expect(mini).toMatchObject({ variant: 'mini', passRate: 0.6666666667, latency: { p50: 100, p95: 190, mean: 120 }, costUsd: 0.0000111 });
    expect(mini!.metrics).toEqual([{ metric: 'tone', passed: 1, total: 3, passRate: 0.3333333333, meanScore: 0.5 }]);
    expect(big).toMatchObject({ latency: null, costUsd: null, tokens: { input: 0, output: 0 } });
  });

  it('is empty before the run writes one', () => {
    expect(variantSummaries({ summary: null })).toEqual([]);
  });

  it('feeds the charts: percents per variant, per assertion and metric, latency', () => {
    const summaries = variantSummaries({ summary });
    expect(passRateData(summaries).map((d) => d.passRate)).toEqual([66.7, 100]);
    expect(assertionPassRateData(summaries)).toEqual([
      { name: 'contains', mini: 100, big: 100 },
      { name: 'not-icontains', mini: 66.7, big: null },
      { name: 'metric: tone', mini: 33.3, big: null },
    ]);
    expect(latencyData(summaries)[1]).toEqual({ variant: 'big', p50: null, p95: null, mean: null });
  });

  it('formats small costs with enough digits', () => {
    expect(formatUsd(0.0000111)).toBe('$0.000011');
    expect(formatUsd(0.0123)).toBe('$0.012');
    expect(formatUsd(12.5)).toBe('$12.50');
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd(null)).toBe('—');
  });
});
