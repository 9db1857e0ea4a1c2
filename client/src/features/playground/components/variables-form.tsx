import { TextAreaField, TextField } from '@/components/form-field';
import type { VariableField } from '../lib/variables';

export interface VariablesFormProps {
  fields: VariableField[];
  values: Record<string, string>;
  errors: Record<string, string>;
  onChange: (name: string, value: string) => void;
}

/** One input per variable the compared templates use; lists and objects are typed as JSON. */
export function VariablesForm({ fields, values, errors, onChange }: VariablesFormProps) {
  return (
    <fieldset className="min-w-0 space-y-3 rounded-lg bg-white p-4 ring-1 ring-slate-200">
      {/* Floated, so the legend sits inside the card like the other section titles. */}
      <legend className="float-left mb-1 w-full text-sm font-semibold text-slate-900">Variables</legend>
      {fields.length === 0 ? (
        <p className="clear-both text-sm text-slate-500">This template uses no variables.</p>
      ) : (
        fields.map((field) => {
          const json = field.type === 'array' || field.type === 'object';
          const hint = field.description ?? (json ? `JSON ${field.type === 'array' ? 'list' : 'object'}` : undefined);
          return json || field.type === 'string' ? (
            <TextAreaField
              key={field.name}
              containerClassName="clear-both"
              label={field.name}
              rows={json ? 3 : 2}
              className={json ? 'font-mono text-xs' : undefined}
              value={values[field.name] ?? ''}
              onChange={(e) => onChange(field.name, e.target.value)}
              error={errors[field.name]}
              hint={hint}
            />
          ) : (
            <TextField
              key={field.name}
              containerClassName="clear-both"
              label={field.name}
              inputMode={field.type === 'boolean' ? undefined : 'decimal'}
              placeholder={field.type === 'boolean' ? 'true or false' : field.type}
              value={values[field.name] ?? ''}
              onChange={(e) => onChange(field.name, e.target.value)}
              error={errors[field.name]}
              hint={hint}
            />
          );
        })
      )}
    </fieldset>
  );
}
