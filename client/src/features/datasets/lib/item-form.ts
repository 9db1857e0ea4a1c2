/**
 * The item editor's text fields ↔ an item: input and metadata are JSON objects, expected is either
 * plain text (a string) or any JSON value. Parsing reports errors per field, like a form.
 */
import type { DatasetItem } from '@/api/dataset-queries';

export type ExpectedMode = 'text' | 'json';

export interface ItemForm {
  input: string;
  expectedMode: ExpectedMode;
  expected: string;
  metadata: string;
}

export interface ParsedItem {
  input: Record<string, unknown>;
  /** null: no expected value. */
  expected: unknown;
  metadata: Record<string, unknown>;
}

export type ItemFormErrors = Partial<Record<keyof ItemForm, string>>;

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/** A new item: the variables of an existing item (blank), so the shape is already there. */
export function emptyItemForm(variables: string[] = []): ItemForm {
  const input = Object.fromEntries(variables.map((name) => [name, '']));
  return { input: pretty(input), expectedMode: 'text', expected: '', metadata: '' };
}

export function itemToForm(item: Pick<DatasetItem, 'input' | 'expected' | 'metadata'>): ItemForm {
  const isText = item.expected === null || item.expected === undefined || typeof item.expected === 'string';
  return {
    input: pretty(item.input),
    expectedMode: isText ? 'text' : 'json',
    expected: isText ? ((item.expected as string | null | undefined) ?? '') : pretty(item.expected),
    metadata: Object.keys(item.metadata).length > 0 ? pretty(item.metadata) : '',
  };
}

function parseObject(text: string, what: string, emptyOk: boolean): Record<string, unknown> | string {
  if (text.trim() === '') return emptyOk ? {} : `Enter the ${what} as a JSON object, e.g. {"name": "Ada"}.`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `Not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `The ${what} must be a JSON object ({...}).`;
  return value as Record<string, unknown>;
}

export function parseItemForm(form: ItemForm): { item: ParsedItem; errors: null } | { item: null; errors: ItemFormErrors } {
  const errors: ItemFormErrors = {};
  const input = parseObject(form.input, 'input', false);
  if (typeof input === 'string') errors.input = input;
  const metadata = parseObject(form.metadata, 'metadata', true);
  if (typeof metadata === 'string') errors.metadata = metadata;
  let expected: unknown = null;
  if (form.expectedMode === 'text') {
    expected = form.expected === '' ? null : form.expected;
  } else if (form.expected.trim() !== '') {
    try {
      expected = JSON.parse(form.expected);
    } catch (error) {
      errors.expected = `Not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  if (Object.keys(errors).length > 0) return { item: null, errors };
  return { item: { input: input as Record<string, unknown>, expected, metadata: metadata as Record<string, unknown> }, errors: null };
}

/** Server field errors (`items.0.input` on create, `input` on edit) onto the form's fields. */
export function itemServerErrors(messages: Record<string, string>): ItemFormErrors & { _?: string } {
  const out: ItemFormErrors & { _?: string } = {};
  for (const [path, message] of Object.entries(messages)) {
    const field = path.replace(/^items\.\d+\.?/, '').split('.')[0];
    if (field === 'input' || field === 'expected' || field === 'metadata') out[field] ??= message;
    else out._ ??= message;
  }
  return out;
}

/** A JSON value shown in a table cell: strings as they are, the rest as compact JSON. */
export function displayValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
