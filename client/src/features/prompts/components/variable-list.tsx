import { allTemplateVariables } from '@/lib/template-variables';
import type { Template } from '../api/prompts-api';

/** The variables a template uses, listed under the editor. */
export function VariableList({ template }: { template: Template }) {
  const names = allTemplateVariables(template);
  return (
    <div className="text-xs text-slate-600" aria-live="polite">
      <span className="font-medium">Variables:</span>{' '}
      {names.length === 0 ? (
        <span className="text-slate-400">none</span>
      ) : (
        <ul className="inline">
          {names.map((n) => (
            <li key={n} className="mr-1 inline-block rounded bg-amber-100 px-1.5 py-0.5 font-mono text-amber-900">
              {n}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
