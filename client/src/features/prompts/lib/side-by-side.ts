/** Line diff of two texts arranged as side-by-side rows (removed left, added right). */
import { diffLines } from 'diff';

export interface Row {
  left: { n: number; text: string; kind: 'same' | 'removed' } | null;
  right: { n: number; text: string; kind: 'same' | 'added' } | null;
}

function splitLines(value: string): string[] {
  const lines = value.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Pair removed and added lines of a line diff into side-by-side rows. */
export function sideBySideRows(before: string, after: string): Row[] {
  const rows: Row[] = [];
  let leftN = 1;
  let rightN = 1;
  const parts = diffLines(before, after);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const lines = splitLines(part.value);
    if (!part.added && !part.removed) {
      for (const text of lines) rows.push({ left: { n: leftN++, text, kind: 'same' }, right: { n: rightN++, text, kind: 'same' } });
    } else if (part.removed) {
      const next = parts[i + 1];
      const added = next?.added ? splitLines(next.value) : [];
      if (next?.added) i++;
      const count = Math.max(lines.length, added.length);
      for (let k = 0; k < count; k++) {
        const l = lines[k];
        const r = added[k];
        rows.push({
          left: l !== undefined ? { n: leftN++, text: l, kind: 'removed' } : null,
          right: r !== undefined ? { n: rightN++, text: r, kind: 'added' } : null,
        });
      }
    } else {
      for (const text of lines) rows.push({ left: null, right: { n: rightN++, text, kind: 'added' } });
    }
  }
  return rows;
}

