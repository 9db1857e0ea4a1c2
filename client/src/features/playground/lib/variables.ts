/**
 * The variables form of the playground: which variables the templates being compared use (names
 * in `{{ }}` and `{% if/for %}` tags, placeholders of chat templates, the version's declared JSON
 * Schema), and turning what was typed into the values sent with a run.
 */
import type { Template } from '../api/runs-api';

export type VariableType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';

export interface VariableField {
  name: string;
  type: VariableType;
  description?: string;
}

const KEYWORDS = new Set([
  'and', 'or', 'not', 'in', 'is', 'if', 'else', 'elif', 'true', 'false', 'none', 'True', 'False', 'None', 'loop', 'range',
  'dict', 'lipsum', 'cycler', 'joiner', 'namespace', 'include', 'with', 'without', 'context', 'import', 'as', 'recursive',
]);

function namesIn(expression: string): string[] {
  // Strip string literals, then keep identifiers that are not attributes, filters or calls.
  const cleaned = expression.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ');
  const out: string[] = [];
  const re = /([.|]\s*)?\b([A-Za-z_][A-Za-z0-9_]*)\b(\s*\()?/g;
  let match: RegExpExecArray | null;
  while ((match = re.exec(cleaned)) !== null) {
    const [, prefix, name, call] = match;
    if (prefix || call || !name || KEYWORDS.has(name)) continue;
    out.push(name);
  }
  return out;
}

/** Variables a Jinja text uses, minus loop variables and names it assigns itself. */
export function textVariables(text: string): string[] {
  const found: string[] = [];
  const local = new Set<string>();
  const tags = /\{\{([\s\S]*?)\}\}|\{%-?\s*([\s\S]*?)-?%\}/g;
  let match: RegExpExecArray | null;
  while ((match = tags.exec(text)) !== null) {
    if (match[1] !== undefined) {
      found.push(...namesIn(match[1]));
      continue;
    }
    const statement = (match[2] ?? '').trim();
    const forMatch = /^for\s+([\w\s,]+?)\s+in\s+([\s\S]+)$/.exec(statement);
    if (forMatch) {
      forMatch[1]!.split(',').forEach((v) => local.add(v.trim()));
      found.push(...namesIn(forMatch[2]!.replace(/\brecursive\b/, '')));
      continue;
    }
    const setMatch = /^set\s+([\w\s,]+?)\s*=([\s\S]*)$/.exec(statement);
    if (setMatch) {
      setMatch[1]!.split(',').forEach((v) => local.add(v.trim()));
      found.push(...namesIn(setMatch[2]!));
      continue;
    }
    const head = /^(if|elif)\s+([\s\S]+)$/.exec(statement);
    if (head) found.push(...namesIn(head[2]!));
  }
  return [...new Set(found.filter((name) => !local.has(name)))];
}

/**
 * Fields for every template being compared (in order, each name once): declared JSON Schema
 * properties first, then inferred names; chat placeholders hold a list of messages.
 */
export function variableFields(sources: { template: Template; schema?: Record<string, unknown> | null }[]): VariableField[] {
  const fields = new Map<string, VariableField>();
  for (const { template, schema } of sources) {
    const placeholders = new Set(typeof template === 'string' ? [] : template.flatMap((m) => (m.role === 'placeholder' ? [m.name] : [])));
    const properties = (schema?.properties ?? {}) as Record<string, { type?: unknown; description?: unknown } | undefined>;
    for (const [name, prop] of Object.entries(properties)) {
      if (fields.has(name)) continue;
      const type = typeof prop?.type === 'string' ? (prop.type as VariableType) : placeholders.has(name) ? 'array' : 'string';
      fields.set(name, { name, type, ...(typeof prop?.description === 'string' ? { description: prop.description } : {}) });
    }
    const names = typeof template === 'string' ? textVariables(template) : template.flatMap((m) => (m.role === 'placeholder' ? [m.name] : textVariables(m.content)));
    for (const name of names) {
      if (!fields.has(name)) fields.set(name, { name, type: placeholders.has(name) ? 'array' : 'string' });
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
