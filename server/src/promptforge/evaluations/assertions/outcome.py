"""What one family check returns: pass, a score in [0, 1] and a reason, or an error."""

from __future__ import annotations

from dataclasses import dataclass

PASSED = "Assertion passed"


@dataclass(frozen=True)
class Outcome:
    """The result of evaluating one assertion; `error` means it could not be evaluated at all."""

    passed: bool
    score: float
    reason: str
    error: bool = False
    cost_usd: float | None = None  # what a model-graded check's calls cost (None: unknown)
    model_calls: int = 0

    @classmethod
    def of(cls, passed: bool, failure: str) -> Outcome:
        """A binary check: score 1 or 0, promptfoo's "Assertion passed" or the failure reason."""
        return cls(passed, 1.0 if passed else 0.0, PASSED if passed else failure)

    @classmethod
    def failed_to_evaluate(
        cls, reason: str, *, cost_usd: float | None = None, model_calls: int = 0
    ) -> Outcome:
        return cls(False, 0.0, reason, error=True, cost_usd=cost_usd, model_calls=model_calls)


def negation(negate: bool) -> str:
    """The "not " in promptfoo's failure reasons of `not-` assertions."""
    return "not " if negate else ""
