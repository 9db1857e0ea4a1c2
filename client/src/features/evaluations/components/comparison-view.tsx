import type { CompareChange, Comparison } from '@/api/generated/types.gen';
import { cn } from '@/lib/cn';
import { changeSections, deltaRows, type ChangeSection, type Tone } from '../lib/compare';
import { displayValue, truncate } from '../lib/matrix';
import { StatusBadge } from './result-cell';

const OUTPUT_PREVIEW = 200;
const TONE_CLASS: Record<Tone, string> = { good: 'text-emerald-700', bad: 'text-red-700 font-semibold', neutral: 'text-slate-500' };

function Side({ label, side }: { label: string; side: CompareChange['before'] }) {
  return (
    <div className="min-w-0 space-y-1">
      <div className="flex items-center gap-2 text-xs text-slate-500">
        {label} <StatusBadge status={side.status} />
        {side.score !== null && <span className="tabular-nums">score {side.score.toFixed(2)}</span>}
      </div>
      <p className="text-sm whitespace-pre-wrap break-words text-slate-800" title={side.output ?? undefined}>
        {side.output ? truncate(side.output, OUTPUT_PREVIEW).text : <span className="text-slate-400">No output</span>}
      </p>
    </div>
  );
}

function ChangeItem({ change, kind }: { change: CompareChange; kind: ChangeSection['kind'] }) {
  const input = Object.entries(change.input)
    .map(([key, value]) => `${key}: ${truncate(displayValue(value), 80).text}`)
    .join(' · ');
  return (
    <li className={cn('space-y-2 rounded-lg p-3 ring-1', kind === 'regressions' ? 'bg-red-50 ring-red-200' : 'bg-emerald-50 ring-emerald-200')}>
      <div className="flex flex-wrap items-baseline gap-x-3 text-sm">
        <span className="font-semibold text-slate-900">{change.variant}</span>
        <span className="min-w-0 font-mono text-xs break-words text-slate-600">{input || change.item_id}</span>
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        <Side label="Before" side={change.before} />
        <Side label="After" side={change.after} />
      </div>
      {change.failed_assertions.length > 0 && (
        <ul aria-label="Failed assertions now" className="space-y-1 text-xs">
          {change.failed_assertions.map((a, i) => (
            <li key={i} className="break-words text-red-900">
              <span className="font-mono font-semibold">{a.type}</span>: {a.reason}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

function Changes({ section }: { section: ChangeSection }) {
  const id = `compare-${section.kind}`;
  return (
    <section aria-labelledby={id} className="space-y-2">
      <h2 id={id} className="text-base font-semibold text-slate-900">
        {section.title} ({section.total.toLocaleString('en-US')})
      </h2>
      {section.changes.length === 0 ? (
        <p className="text-sm text-slate-500">{section.kind === 'regressions' ? 'No cell passed before and fails now.' : 'No cell failed before and passes now.'}</p>
      ) : (
        <ul className="space-y-2">
          {section.changes.map((change) => (
            <ChangeItem key={`${change.item_id}/${change.variant}`} change={change} kind={section.kind} />
          ))}
        </ul>
      )}
      {section.total > section.changes.length && (
        <p className="text-xs text-slate-500">
          The first {section.changes.length} of {section.total.toLocaleString('en-US')} are listed; the CSV download of each evaluation has every cell.
        </p>
      )}
    </section>
  );
}

function Deltas({ comparison }: { comparison: Comparison }) {
  return (
    <section aria-labelledby="compare-deltas" className="space-y-3">
      <h2 id="compare-deltas" className="text-base font-semibold text-slate-900">
        Summary changes per variant
      </h2>
      <div className="grid gap-3 xl:grid-cols-2">
      {comparison.variants.map((v) => (
        <div key={v.variant} className="relative overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
          <table aria-label={`Changes of ${v.variant}`} className="min-w-full text-sm">
            <caption className="px-3 pt-2 text-left text-sm font-semibold text-slate-900">{v.variant}</caption>
            <thead className="text-left text-xs text-slate-500">
              <tr>
                <th scope="col" className="px-3 py-1.5 font-medium">Figure</th>
                <th scope="col" className="px-3 py-1.5 text-right font-medium">Before</th>
                <th scope="col" className="px-3 py-1.5 text-right font-medium">After</th>
                <th scope="col" className="px-3 py-1.5 text-right font-medium">Change</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {deltaRows(v.changes).map((row) => (
                <tr key={row.figure.key}>
                  <th scope="row" className="px-3 py-1.5 text-left font-normal text-slate-700">{row.figure.label}</th>
                  <td className="px-3 py-1.5 text-right tabular-nums">{row.before}</td>
                  <td className="px-3 py-1.5 text-right tabular-nums">{row.after}</td>
                  <td className={cn('px-3 py-1.5 text-right tabular-nums', TONE_CLASS[row.tone])} data-tone={row.tone}>
                    {row.delta}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      </div>
    </section>
  );
}

/** Regressions first (highlighted), then fixes, then the summary deltas of every variant. */
export function ComparisonView({ comparison }: { comparison: Comparison }) {
  return (
    <div className="space-y-8">
      {changeSections(comparison).map((section) => (
        <Changes key={section.kind} section={section} />
      ))}
      <Deltas comparison={comparison} />
    </div>
  );
}
