import { describe, expect, it } from 'vitest';
import { sideBySideRows } from './side-by-side';

describe('sideBySideRows', () => {
  it('pairs removed and added lines and keeps line numbers per side', () => {
    const rows = sideBySideRows('a\nb\nc\n', 'a\nB\nc\nd\n');
    expect(rows).toEqual([
      { left: { n: 1, text: 'a', kind: 'same' }, right: { n: 1, text: 'a', kind: 'same' } },
      { left: { n: 2, text: 'b', kind: 'removed' }, right: { n: 2, text: 'B', kind: 'added' } },
      { left: { n: 3, text: 'c', kind: 'same' }, right: { n: 3, text: 'c', kind: 'same' } },
      { left: null, right: { n: 4, text: 'd', kind: 'added' } },
    ]);
  });
});
