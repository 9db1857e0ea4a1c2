import type { EvaluationStatus } from '@/api/evaluation-queries';
import { Badge } from '@/components/badge';

const STATUS = {
  queued: { tone: 'gray', text: 'Queued' },
  running: { tone: 'indigo', text: 'Running' },
  completed: { tone: 'green', text: 'Completed' },
  failed: { tone: 'red', text: 'Failed' },
  cancelled: { tone: 'amber', text: 'Cancelled' },
} as const;

export function StatusBadge({ status }: { status: EvaluationStatus }) {
  const s = STATUS[status];
  return <Badge tone={s.tone}>{s.text}</Badge>;
}

/** The verdict: every variant's pass rate reached the threshold. Null until completed. */
export function VerdictBadge({ passed }: { passed: boolean | null }) {
  if (passed === null) return null;
  return passed ? (
    <Badge tone="green" title="Every variant's pass rate reached the pass threshold">
      ✓ Passed
    </Badge>
  ) : (
    <Badge tone="red" title="A variant's pass rate is below the pass threshold">
      ✗ Failed
    </Badge>
  );
}
