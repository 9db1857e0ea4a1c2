import { describe, expect, it } from 'vitest';
import type { Result } from '@/api/generated/types.gen';
import { errorText, failedAssertions, filterRows, groupIntoRows, hasFailure, isDisagreement, matchesSearch, NO_FILTERS, truncate } from './matrix';

function result(item: string, variant: string, status: Result['status'], output: string | null = `out ${item} ${variant}`, extra: Partial<Result> = {}): Result {
  return {
    item_id: item,
    variant,
    input: { name: item },
    expected: `expected ${item}`,
    output,
    status,
    passed: status === 'passed',
    score: status === 'error' ? null : status === 'passed' ? 1 : 0,
    assertions: [],
    latency_ms: 10,
    tokens: { input: 1, output: 1 },
    cost_usd: null,
    grading_cost_usd: null,
    error: null,
    ...extra,
  };
}

// Two pages of the API, ordered item then variant; item b straddles the boundary.
const page1 = [result('a', 'v1', 'passed'), result('a', 'v2', 'passed'), result('b', 'v1', 'passed')];
const page2 = [result('b', 'v2', 'failed', 'Nope, Bob'), result('c', 'v1', 'error', null), result('c', 'v2', 'failed')];

describe('groupIntoRows', () => {
  it('makes one row per item in API order, joining an item split over two pages', () => {
    const rows = groupIntoRows([...page1, ...page2]);
    expect(rows.map((r) => r.itemId)).toEqual(['a', 'b', 'c']);
    expect(rows.map((r) => r.index)).toEqual([0, 1, 2]);
    expect(Object.keys(rows[1]!.cells)).toEqual(['v1', 'v2']);
    expect(rows[1]!.cells.v2!.output).toBe('Nope, Bob');
    expect(rows[0]!.input).toEqual({ name: 'a' });
    expect(rows[0]!.expected).toBe('expected a');
  });

  it('leaves a variant without a result missing (a run still writing)', () => {
    const rows = groupIntoRows(page1);
    expect(rows[1]!.cells.v2).toBeUndefined();
  });

  it('is empty without results', () => {
    expect(groupIntoRows([])).toEqual([]);
  });
});

describe('filters', () => {
  const rows = groupIntoRows([...page1, ...page2]);
  const ids = (filters: Partial<typeof NO_FILTERS>) => filterRows(rows, { ...NO_FILTERS, ...filters }).map((r) => r.itemId);

  it('shows everything without filters', () => {
    expect(ids({})).toEqual(['a', 'b', 'c']);
  });

  it('failed only keeps rows with a failed or error cell', () => {
    expect(ids({ failedOnly: true })).toEqual(['b', 'c']);
    expect(hasFailure(rows[0]!)).toBe(false);
  });

  it('disagreements keep rows where one variant passed and another did not; failed vs error agree', () => {
    expect(ids({ disagreementsOnly: true })).toEqual(['b']);
    expect(isDisagreement(rows[2]!)).toBe(false);
  });

  it('searches outputs case-insensitively, ignoring blanks', () => {
    expect(ids({ search: 'bob' })).toEqual(['b']);
    expect(ids({ search: '  ' })).toEqual(['a', 'b', 'c']);
    expect(ids({ search: 'expected' })).toEqual([]); // not the expected value: outputs only
    expect(matchesSearch(rows[2]!, 'out c v2')).toBe(true);
  });

  it('combines filters', () => {
    expect(ids({ failedOnly: true, search: 'out c' })).toEqual(['c']);
    expect(ids({ disagreementsOnly: true, search: 'out c' })).toEqual([]);
  });
});

describe('cells', () => {
  it('lists the assertions that did not pass, and errors, with reasons', () => {
    const cell = result('a', 'v1', 'failed', 'x', {
      assertions: [
        { type: 'contains', passed: true, score: 1, reason: 'Assertion passed' },
        { type: 'icontains', passed: false, score: 0, reason: 'Expected output to contain "Widget"' },
        { type: 'cost', passed: false, score: 0, reason: 'Cost unknown', error: true },
      ],
    });
    expect(failedAssertions(cell)).toEqual([
      { type: 'icontains', reason: 'Expected output to contain "Widget"', error: false },
      { type: 'cost', reason: 'Cost unknown', error: true },
    ]);
  });

  it('shows an error as code: message', () => {
    expect(errorText(result('a', 'v1', 'error', null, { error: { code: 'provider_unavailable', message: 'HTTP 500' } }))).toBe('provider_unavailable: HTTP 500');
    expect(errorText(result('a', 'v1', 'passed'))).toBeNull();
  });

  it('truncates on a word boundary near the limit', () => {
    expect(truncate('short', 10)).toEqual({ text: 'short', truncated: false });
    expect(truncate('hello wonderful world', 17)).toEqual({ text: 'hello wonderful…', truncated: true });
    expect(truncate('abcdefghij', 5)).toEqual({ text: 'abcde…', truncated: true });
  });
});
