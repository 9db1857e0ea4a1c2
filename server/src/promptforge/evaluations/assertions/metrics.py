"""latency (milliseconds) and cost (USD) of the variant's own call, each against a required threshold.

promptfoo records them as a named metric when no threshold is given; here the threshold is required
(the issue), and an unknown latency or cost (a price the connection does not know) is an error.
"""

from __future__ import annotations

from promptforge.evaluations.assertions.outcome import Outcome


def check_latency(latency_ms: int | None, threshold: float, negate: bool) -> Outcome:
    if latency_ms is None:
        return Outcome.failed_to_evaluate("The latency of this answer is unknown.")
    within = latency_ms <= threshold
    if negate:
        failure = f"Latency {latency_ms}ms is less than or equal to threshold {threshold:g}ms"
        return Outcome.of(not within, failure)
    return Outcome.of(within, f"Latency {latency_ms}ms is greater than threshold {threshold:g}ms")


def check_cost(cost_usd: float | None, threshold: float, negate: bool) -> Outcome:
    if cost_usd is None:
        return Outcome.failed_to_evaluate(
            "The cost of this answer is unknown: the model has no price (set one on the provider connection)."
        )
    within = cost_usd <= threshold
    shown = f"{cost_usd:.2g}"
    if negate:
        return Outcome.of(not within, f"Cost {shown} is less than or equal to threshold {threshold:g}")
    return Outcome.of(within, f"Cost {shown} is greater than threshold {threshold:g}")
