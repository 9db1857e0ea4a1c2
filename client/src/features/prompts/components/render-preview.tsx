import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorMessage, isApiError } from '@/api/api-error';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { SelectField, TextAreaField, TextField } from '@/components/form-field';
import { variableFields, type VariableField } from '@/lib/template-variables';
import { renderPrompt, type PromptVersion, type RenderResult } from '../api/prompts-api';

function parseValue(field: VariableField, raw: string | boolean): { value?: unknown; error?: string } {
  if (field.type === 'boolean') return { value: raw === true };
  const text = String(raw);
  if (field.type === 'string') return { value: text };
  if (text.trim() === '') return field.required ? { error: 'Required.' } : {};
  if (field.type === 'number' || field.type === 'integer') {
    const n = Number(text);
    if (Number.isNaN(n) || (field.type === 'integer' && !Number.isInteger(n))) return { error: `Enter ${field.type === 'integer' ? 'a whole number' : 'a number'}.` };
    return { value: n };
  }
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { error: 'Enter valid JSON.' };
  }
}

/** Render a version (or label) with a variables form generated from the template and its schema. */
export function RenderPreview({ projectId, name, version, labels }: { projectId: string; name: string; version: PromptVersion; labels: Record<string, number> }) {
  const fields = variableFields(version.template, version.variables);
  const [target, setTarget] = useState(`version:${version.number}`);
  const [values, setValues] = useState<Record<string, string | boolean>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const render = useMutation({
    mutationFn: (body: Parameters<typeof renderPrompt>[2]) => renderPrompt(projectId, name, body),
    onError: (error) => setErrors(isApiError(error) ? Object.fromEntries(Object.entries(error.fieldMessages()).map(([k, v]) => [k.replace(/^variables\./, ''), v])) : {}),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const variables: Record<string, unknown> = {};
    const fieldErrors: Record<string, string> = {};
    for (const field of fields) {
      const parsed = parseValue(field, values[field.name] ?? (field.type === 'boolean' ? false : ''));
      if (parsed.error) fieldErrors[field.name] = parsed.error;
      else if (parsed.value !== undefined) variables[field.name] = parsed.value;
    }
    setErrors(fieldErrors);
    if (Object.keys(fieldErrors).length > 0) return;
    const [kind, value] = target.split(':') as ['version' | 'label', string];
    render.mutate(kind === 'version' ? { version: Number(value), variables } : { label: value, variables });
  };

  const targetOptions = [
    { value: `version:${version.number}`, label: `v${version.number} (shown)` },
    ...Object.entries(labels).map(([label, v]) => ({ value: `label:${label}`, label: `${label} (v${v})` })),
  ];
  const result: RenderResult | undefined = render.data;
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <form onSubmit={submit} noValidate className="space-y-3 rounded-lg bg-white p-4 ring-1 ring-slate-200" aria-label="Variables">
        <SelectField label="Render" value={target} onChange={(e) => setTarget(e.target.value)} options={targetOptions} />
        {fields.length === 0 && <p className="text-sm text-slate-500">This template uses no variables.</p>}
        {fields.map((field) =>
          field.type === 'boolean' ? (
            <label key={field.name} className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={values[field.name] === true} onChange={(e) => setValues((v) => ({ ...v, [field.name]: e.target.checked }))} />
              <span className="font-mono">{field.name}</span>
            </label>
          ) : field.type === 'string' ? (
            <TextAreaField
              key={field.name}
              label={field.name}
              rows={2}
              value={String(values[field.name] ?? '')}
              onChange={(e) => setValues((v) => ({ ...v, [field.name]: e.target.value }))}
              hint={field.description}
              error={errors[field.name]}
            />
          ) : field.type === 'number' || field.type === 'integer' ? (
            <TextField
              key={field.name}
              label={field.name}
              inputMode="decimal"
              value={String(values[field.name] ?? '')}
              onChange={(e) => setValues((v) => ({ ...v, [field.name]: e.target.value }))}
              hint={field.description}
              error={errors[field.name]}
            />
          ) : (
            <TextAreaField
              key={field.name}
              label={field.name}
              rows={3}
              className="font-mono text-xs"
              placeholder={field.type === 'array' ? '[{"role": "user", "content": "…"}]' : '{}'}
              value={String(values[field.name] ?? '')}
              onChange={(e) => setValues((v) => ({ ...v, [field.name]: e.target.value }))}
              hint={field.description ?? `JSON ${field.type}`}
              error={errors[field.name]}
            />
          ),
        )}
        <Button type="submit" loading={render.isPending}>
          Render preview
        </Button>
      </form>
      <section aria-labelledby="render-output-heading" className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
        <h3 id="render-output-heading" className="text-sm font-semibold">
          Output
        </h3>
        {render.isError && Object.keys(errors).length === 0 && (
          <div className="mt-2">
            <Alert>{errorMessage(render.error)}</Alert>
          </div>
        )}
        {!result && !render.isError && <p className="mt-2 text-sm text-slate-500">Fill in the variables and render to preview the final prompt.</p>}
        {result?.kind === 'text' && <pre className="mt-2 rounded bg-slate-50 p-3 text-sm whitespace-pre-wrap" data-testid="render-output">{result.text}</pre>}
        {result?.kind === 'chat' && result.messages && (
          <ol className="mt-2 space-y-2" data-testid="render-output">
            {result.messages.map((m, i) => (
              <li key={i} className="rounded bg-slate-50 p-2">
                <span className="text-xs font-semibold tracking-wide text-slate-500 uppercase">{String(m.role ?? '')}</span>
                <pre className="mt-1 text-sm whitespace-pre-wrap">{String(m.content ?? '')}</pre>
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
