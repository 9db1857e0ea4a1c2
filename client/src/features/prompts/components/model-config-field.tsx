import { TextAreaField } from '@/components/form-field';

/** Model configuration (provider, model, temperature, …) edited as JSON. */
export function ModelConfigField({ value, onChange, error }: { value: string; onChange: (v: string) => void; error?: string }) {
  return (
    <TextAreaField
      label="Model config (JSON)"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      rows={4}
      className="font-mono text-xs"
      placeholder='{"model": "gpt-4o-mini", "temperature": 0.2}'
      error={error}
      hint="Optional. Provider, model, temperature, max_tokens, …"
    />
  );
}
