import { errorMessage, isApiError } from '@/api/api-error';
import type { EvaluationEstimate } from '@/api/generated/types.gen';

const usd = (value: number) => (value === 0 ? '$0.00' : value < 0.01 ? `$${value.toPrecision(2)}` : `$${value.toFixed(2)}`);

/** Provider calls and the estimated cost, before starting (docs/evaluations.md "Estimating cost"). */
export function EstimatePanel({ estimate, pending, error, missing }: { estimate: EvaluationEstimate | undefined; pending: boolean; error: unknown; missing: boolean }) {
  return (
    <section aria-label="Estimate" aria-live="polite" className="rounded-lg bg-slate-50 p-4 text-sm ring-1 ring-slate-200">
      <h2 className="font-semibold text-slate-800">Before you start</h2>
      {missing ? (
        <p className="mt-1 text-slate-500">Pick a dataset, a prompt and a provider for every variant to see the number of calls and the cost.</p>
      ) : error && !estimate ? (
        <p className="mt-1 text-red-700">{isApiError(error) && error.status === 422 ? 'Fix the fields marked above to see an estimate.' : errorMessage(error)}</p>
      ) : !estimate ? (
        <p className="mt-1 text-slate-500">{pending ? 'Estimating…' : ''}</p>
      ) : (
        <div className={pending ? 'opacity-60' : undefined}>
          <p className="mt-1 text-slate-800">
            <strong data-testid="estimate-calls">{estimate.calls.toLocaleString()}</strong> provider call{estimate.calls === 1 ? '' : 's'} ({estimate.items.toLocaleString()} item
            {estimate.items === 1 ? '' : 's'} of v{estimate.dataset_version} × {estimate.variants.length} variant{estimate.variants.length === 1 ? '' : 's'}
            {estimate.grading_calls > 0 ? ` + ${estimate.grading_calls.toLocaleString()} judge/embedding calls` : ''}) · estimated cost{' '}
            <strong data-testid="estimate-cost">{estimate.estimated_cost_usd === null ? 'unknown' : usd(estimate.estimated_cost_usd)}</strong>
          </p>
          <table aria-label="Estimate per variant" className="mt-2 w-full text-left text-xs">
            <thead className="text-slate-500">
              <tr>
                <th scope="col" className="py-1 pr-2 font-medium">Variant</th>
                <th scope="col" className="py-1 pr-2 font-medium">Model</th>
                <th scope="col" className="py-1 pr-2 text-right font-medium">Calls</th>
                <th scope="col" className="py-1 pr-2 text-right font-medium">Tokens/call (in → out)</th>
                <th scope="col" className="py-1 text-right font-medium">Cost</th>
              </tr>
            </thead>
            <tbody>
              {estimate.variants.map((v) => (
                <tr key={v.name} className="border-t border-slate-200">
                  <td className="py-1 pr-2">{v.name}</td>
                  <td className="py-1 pr-2 font-mono">{v.model}</td>
                  <td className="py-1 pr-2 text-right tabular-nums">{v.calls.toLocaleString()}</td>
                  <td className="py-1 pr-2 text-right tabular-nums">
                    {v.input_tokens_per_call ?? '?'} → ≤{v.output_tokens_per_call}
                  </td>
                  <td className="py-1 text-right tabular-nums">{v.estimated_cost_usd === null ? (v.price_known ? 'unknown' : 'no price for this model') : usd(v.estimated_cost_usd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="mt-2 text-xs text-slate-500">
            Prompt tokens from {estimate.sampled_items} rendered item{estimate.sampled_items === 1 ? '' : 's'} (≈4 characters a token); output at most max_tokens (else 256).
            {estimate.grading_calls > 0 ? ' Judge and embedding calls are not priced here.' : ''}
          </p>
        </div>
      )}
    </section>
  );
}
