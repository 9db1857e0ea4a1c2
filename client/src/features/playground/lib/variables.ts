/**
 * The variables form of the playground: which variables the templates being compared use (names
 * in `{{ }}` and `{% if/for %}` tags, placeholders of chat templates, the version's declared JSON
 * Schema; detection is shared with the prompt registry in `@/lib/template-variables`), and turning
 * what was typed into the values sent with a run.
 */
import { variableFields as templateVariableFields, type VariableField } from '@/lib/template-variables';
import type { Template } from '../api/runs-api';

export type { VariableField };

/**
 * Fields for every template being compared (in order, each name once): declared JSON Schema
 * properties first, then inferred names; chat placeholders hold a list of messages.
 */
export function variableFields(sources: { template: Template; schema?: Record<string, unknown> | null }[]): VariableField[] {
  const fields = new Map<string, VariableField>();
  for (const { template, schema } of sources) {
    for (const field of templateVariableFields(template, schema)) {
      if (!fields.has(field.name)) fields.set(field.name, field);
    }
  }
  return [...fields.values()];
}

/** Typed values from the form's text; errors per field name for what does not parse. */
export function parseVariables(fields: VariableField[], raw: Record<string, string>): { values: Record<string, unknown>; errors: Record<string, string> } {
  const values: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const text = raw[field.name] ?? '';
    if (field.type === 'string') {
      values[field.name] = text;
      continue;
    }
    if (text.trim() === '') continue; // left out: the template's defaults apply
    if (field.type === 'number' || field.type === 'integer') {
      const n = Number(text);
      if (!Number.isFinite(n) || (field.type === 'integer' && !Number.isInteger(n))) errors[field.name] = field.type === 'integer' ? 'Enter a whole number.' : 'Enter a number.';
      else values[field.name] = n;
      continue;
    }
    if (field.type === 'boolean') {
      values[field.name] = text === 'true';
      continue;
    }
    try {
      const parsed = JSON.parse(text) as unknown;
      const ok = field.type === 'array' ? Array.isArray(parsed) : typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
      if (ok) values[field.name] = parsed;
      else errors[field.name] = field.type === 'array' ? 'Enter a JSON list, e.g. [{"role": "user", "content": "Hi"}].' : 'Enter a JSON object.';
    } catch {
      errors[field.name] = 'This is not valid JSON.';
    }
  }
  return { values, errors };
}
