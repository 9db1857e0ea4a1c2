import { useState } from 'react';
import type { Result } from '@/api/generated/types.gen';
import { Badge } from '@/components/badge';
import { errorText, failedAssertions, truncate } from '../lib/matrix';
import { formatMs, formatUsd } from '../lib/summary';

const OUTPUT_PREVIEW = 240;

const STATUS = {
  passed: { tone: 'green', label: 'Pass' },
  failed: { tone: 'red', label: 'Fail' },
  error: { tone: 'amber', label: 'Error' },
} as const;

export function StatusBadge({ status }: { status: Result['status'] }) {
  const { tone, label } = STATUS[status];
  return <Badge tone={tone}>{label}</Badge>;
}

/**
 * One item × variant: pass/fail/error badge, score, the output (cut to a preview, expandable), the
 * assertions that did not pass with their reasons, and the call's latency and cost.
 */
export function ResultCell({ result, label }: { result: Result | undefined; label: string }) {
  const [expanded, setExpanded] = useState(false);
  if (!result) {
    return (
      <div aria-label={label} className="text-xs text-slate-400">
        Not run yet
      </div>
    );
  }
  const output = result.output ?? '';
  const preview = truncate(output, OUTPUT_PREVIEW);
  const failures = failedAssertions(result);
  const error = errorText(result);
  return (
    <div aria-label={label} data-status={result.status} className="space-y-2">
      <div className="flex flex-wrap items-center gap-2 text-xs">
        <StatusBadge status={result.status} />
        {result.score !== null && <span className="text-slate-600 tabular-nums">score {result.score.toFixed(2)}</span>}
        <span className="text-slate-400 tabular-nums">
          {formatMs(result.latency_ms)} · {formatUsd(result.cost_usd)}
        </span>
      </div>
      {output !== '' ? (
        <div className="text-sm whitespace-pre-wrap break-words text-slate-800">
          {expanded ? output : preview.text}
          {preview.truncated && (
            <button type="button" className="ml-1 text-xs font-medium text-indigo-700 underline" aria-expanded={expanded} onClick={() => setExpanded(!expanded)}>
              {expanded ? 'Show less' : 'Show all'}
            </button>
          )}
        </div>
      ) : (
        result.status !== 'error' && <p className="text-xs text-slate-400">Empty output</p>
      )}
      {error && <p className="rounded bg-amber-50 px-2 py-1 text-xs break-words text-amber-900">{error}</p>}
      {failures.length > 0 && (
        <ul aria-label="Failed assertions" className="space-y-1 text-xs">
          {failures.map((failure, i) => (
            <li key={i} className="rounded bg-red-50 px-2 py-1 break-words text-red-900">
              <span className="font-mono font-semibold">{failure.type}</span>
              {failure.error && ' (error)'}: {failure.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
