/** Why a deploy gate refused a label move, in words, with a link to the best evaluation found. */
import { Link } from 'react-router';
import type { GateFailure } from '@/api/deploy-queries';
import { formatDateTime, formatRate } from '@/lib/format';
import { Alert } from './alert';

const REASON_TITLES: Record<string, string> = {
  no_evaluation: 'No passing evaluation of this version',
  pass_rate_too_low: 'Pass rate below the minimum',
  evaluation_too_old: 'The evaluation is too old',
};

export function GateFailureAlert({ failure, evaluationHref }: { failure: GateFailure; evaluationHref: (id: string) => string }) {
  const best = failure.bestEvaluation;
  const rule = failure.requirement;
  return (
    <Alert title={`Blocked by the deploy gate: ${REASON_TITLES[failure.reason ?? ''] ?? 'requirement not met'}`}>
      <p data-testid="gate-failure-detail">{failure.detail}</p>
      {rule && (
        <p className="mt-1 text-xs">
          Needs an evaluation on <span className="font-mono">{rule.dataset}</span>
          {rule.dataset_version ? ` v${rule.dataset_version}` : ' (current version)'} with at least {formatRate(rule.min_pass_rate)} passing
          {rule.max_age_hours ? `, finished within ${rule.max_age_hours} h` : ''}.
        </p>
      )}
      {best ? (
        <p className="mt-1 text-xs">
          Best evaluation found:{' '}
          <Link to={evaluationHref(best.id)} className="font-medium underline">
            {formatRate(best.pass_rate)} on dataset v{best.dataset_version}
            {best.finished_at ? `, ${formatDateTime(best.finished_at)}` : ''}
          </Link>
        </p>
      ) : (
        <p className="mt-1 text-xs">No evaluation of this version was found.</p>
      )}
    </Alert>
  );
}
