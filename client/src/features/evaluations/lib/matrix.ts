/**
 * The results matrix: the results API pages one result per (item, variant), ordered by the item's
 * place in the pinned dataset version and then by variant, so an item's cells may straddle a page
 * boundary. Rows are built from every page loaded so far, and the filters (failed only,
 * disagreements, search in outputs) run over those rows in the browser: they see the pages loaded,
 * which the page says, and "Load more" extends them.
 */
import type { Result } from '@/api/generated/types.gen';

export interface MatrixRow {
  itemId: string;
  /** 0-based place among the rows loaded (the item's place in the dataset when nothing is filtered out server-side). */
  index: number;
  input: Record<string, unknown>;
  expected: unknown;
  /** The item's result per variant name; a variant without a result yet is missing. */
  cells: Record<string, Result>;
}

export interface MatrixFilters {
  /** Rows with at least one cell that did not pass (failed or error). */
  failedOnly: boolean;
  /** Rows where one variant passed and another did not. */
  disagreementsOnly: boolean;
  /** Case-insensitive text to find in any cell's output. */
  search: string;
}

export const NO_FILTERS: MatrixFilters = { failedOnly: false, disagreementsOnly: false, search: '' };

/** Group results (in API order, possibly from several pages) into one row per dataset item. */
export function groupIntoRows(results: readonly Result[]): MatrixRow[] {
  const rows: MatrixRow[] = [];
  const byItem = new Map<string, MatrixRow>();
  for (const result of results) {
    let row = byItem.get(result.item_id);
    if (!row) {
      row = { itemId: result.item_id, index: rows.length, input: result.input, expected: result.expected, cells: {} };
      byItem.set(result.item_id, row);
      rows.push(row);
    }
    row.cells[result.variant] = result;
  }
  return rows;
}

const cellsOf = (row: MatrixRow) => Object.values(row.cells);

export function hasFailure(row: MatrixRow): boolean {
  return cellsOf(row).some((cell) => cell.status !== 'passed');
}

/** Variants differ: at least one passed and at least one did not (failed and error agree: neither passed). */
export function isDisagreement(row: MatrixRow): boolean {
  const cells = cellsOf(row);
  return cells.some((cell) => cell.status === 'passed') && cells.some((cell) => cell.status !== 'passed');
}

export function matchesSearch(row: MatrixRow, search: string): boolean {
  const needle = search.trim().toLocaleLowerCase();
  if (needle === '') return true;
  return cellsOf(row).some((cell) => (cell.output ?? '').toLocaleLowerCase().includes(needle));
}

export function filterRows(rows: readonly MatrixRow[], filters: MatrixFilters): MatrixRow[] {
  return rows.filter(
    (row) => (!filters.failedOnly || hasFailure(row)) && (!filters.disagreementsOnly || isDisagreement(row)) && matchesSearch(row, filters.search),
  );
}

export function isFiltering(filters: MatrixFilters): boolean {
  return filters.failedOnly || filters.disagreementsOnly || filters.search.trim() !== '';
}

/** The assertions of a cell that did not pass, with their reasons (errors included). */
export function failedAssertions(result: Result): { type: string; reason: string; error: boolean }[] {
  return result.assertions.filter((a) => !a.passed || a.error).map((a) => ({ type: a.type, reason: a.reason, error: a.error ?? false }));
}

/** Cut long text for a cell, on a word boundary when one is near; `truncated` says whether it was cut. */
export function truncate(text: string, limit: number): { text: string; truncated: boolean } {
  if (text.length <= limit) return { text, truncated: false };
  const cut = text.slice(0, limit);
  const space = cut.lastIndexOf(' ');
  return { text: `${space > limit * 0.7 ? cut.slice(0, space) : cut}…`, truncated: true };
}

/** An input variable or expected value as text: strings as they are, anything else as JSON. */
export function displayValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** The error of an error cell, `code: message`, or null. */
export function errorText(result: Result): string | null {
  if (!result.error) return null;
  const code = typeof result.error.code === 'string' ? result.error.code : 'error';
  const message = typeof result.error.message === 'string' ? result.error.message : '';
  return message ? `${code}: ${message}` : code;
}
