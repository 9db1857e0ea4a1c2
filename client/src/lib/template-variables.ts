/**
 * Variables a Jinja template uses, inferred the way a reader would: names in `{{ }}` and in
 * `{% if/for %}` tags, minus loop variables and names the template assigns itself. Shared by the
 * prompt registry (variable list, render preview, diffs) and the playground (variables form).
 */
import type { Version } from '@/api/generated/types.gen';

type Template = Version['template'];
type ChatMessage = Exclude<Template, string>[number];
type JsonObject = Record<string, unknown>;

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'else', 'elif', 'true', 'false', 'none', 'True', 'False', 'None', 'loop', 'range', 'dict', 'lipsum', 'cycler', 'joiner', 'namespace', 'include', 'with', 'without', 'context', 'import', 'as', 'recursive']);

function namesIn(expression: string): string[] {
  // Strip string literals, then take identifiers not preceded by "." or "|" (attributes and filters).
  const cleaned = expression.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ');
  const out: string[] = [];
  const re = /([.|]\s*)?\b([A-Za-z_][A-Za-z0-9_]*)\b(\s*\()?/g;
  let match: RegExpExecArray | null;
  while ((match = re.exec(cleaned)) !== null) {
    const [, prefix, name, call] = match;
    if (prefix || !name || KEYWORDS.has(name)) continue;
    if (call) continue; // a function call (e.g. range(), a macro)
    out.push(name);
  }
  return out;
}

/** Variables a Jinja text uses, minus loop variables and names it assigns itself. */
export function templateVariables(text: string): string[] {
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

/** Placeholder slots of a chat template: each is a variable holding a list of messages. */
export function placeholderNames(template: Template): string[] {
  if (typeof template === 'string') return [];
  return template.filter((m): m is Extract<ChatMessage, { role: 'placeholder' }> => m.role === 'placeholder').map((m) => m.name);
}

export function allTemplateVariables(template: Template): string[] {
  if (typeof template === 'string') return templateVariables(template);
  const names = template.flatMap((m) => (m.role === 'placeholder' ? [m.name] : templateVariables(m.content)));
  return [...new Set(names)];
}

export type VariableType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';

export interface VariableField {
  name: string;
  type: VariableType;
  description?: string;
  required: boolean;
}

/** Fields for the variables form: declared JSON Schema properties first, then inferred names. */
export function variableFields(template: Template, schema: JsonObject | null | undefined): VariableField[] {
  const properties = (schema?.properties ?? {}) as Record<string, { type?: unknown; description?: unknown }>;
  const required = new Set(Array.isArray(schema?.required) ? (schema.required as string[]) : []);
  const placeholders = new Set(placeholderNames(template));
  const fields: VariableField[] = [];
  const seen = new Set<string>();
  for (const [name, prop] of Object.entries(properties)) {
    const type = typeof prop?.type === 'string' ? (prop.type as VariableType) : placeholders.has(name) ? 'array' : 'string';
    fields.push({ name, type, description: typeof prop?.description === 'string' ? prop.description : undefined, required: required.has(name) });
    seen.add(name);
  }
  for (const name of allTemplateVariables(template)) {
    if (seen.has(name)) continue;
    fields.push({ name, type: placeholders.has(name) ? 'array' : 'string', required: true });
  }
  return fields;
}

/** A readable text form of a template for diffs: chat messages become `[role]` blocks. */
export function templateToText(template: Template): string {
  if (typeof template === 'string') return template;
  return template.map((m) => (m.role === 'placeholder' ? `[placeholder: ${m.name}]` : `[${m.role}]\n${m.content}`)).join('\n\n');
}
