"""llm-rubric (a judge model grades the output against a rubric) and similar (embedding cosine).

Both call a provider connection of the project through a ModelGrader (evaluations/model_calls.py
in production), so their calls share the evaluation's concurrency limit and rate-limit back-off.
A provider failure or a judge answer that cannot be read is an error, not a failure.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any, Protocol

from promptforge.core.errors import AppError
from promptforge.evaluations.assertions.outcome import Outcome
from promptforge.evaluations.assertions.spec import ProviderRef
from promptforge.evaluations.assertions.structured import embedded_json

if TYPE_CHECKING:
    from promptforge.evaluations.model_calls import EmbeddingAnswer, ModelAnswer

# promptfoo's DEFAULT_GRADING_PROMPT (src/prompts), sent as a system message; the user message
# carries the output and the rubric. Documented in docs/evaluations.md ("Scoring").
GRADING_SYSTEM_PROMPT = (
    "You are grading output according to a user-specified rubric. If the statement in the rubric is "
    "true, then the output passes the test. You respond with a JSON object with this structure: "
    "{reason: string, pass: boolean, score: number}"
    """

Examples:

<Output>Hello world</Output>
<Rubric>Content contains a greeting</Rubric>
{"reason": "the content contains the word 'Hello'", "pass": true, "score": 1.0}

<Output>Avast ye swabs, repel the invaders!</Output>
<Rubric>Does not speak like a pirate</Rubric>
{"reason": "'avast ye' is a common pirate term", "pass": false, "score": 0.0}"""
)
MAX_REASON = 2_000
_TRUTHY = re.compile(r"^(true|yes|pass|y)$", re.IGNORECASE)
_EPSILON = 2.220446049250313e-16  # JavaScript's Number.EPSILON, as in promptfoo's comparison


class ModelGrader(Protocol):
    """What model-graded assertions need: a chat completion and embeddings on a provider connection."""

    async def complete(self, ref: ProviderRef, messages: list[dict[str, str]]) -> ModelAnswer: ...

    async def embed(self, ref: ProviderRef, texts: list[str]) -> EmbeddingAnswer: ...


def grading_messages(output: str, rubric: str) -> list[dict[str, str]]:
    """The judge's conversation: promptfoo's grading prompt, then the output and the rubric."""
    user = f"<Output>\n{output}\n</Output>\n<Rubric>\n{rubric}\n</Rubric>"
    return [{"role": "system", "content": GRADING_SYSTEM_PROMPT}, {"role": "user", "content": user}]


def _verdict(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    return bool(_TRUTHY.match(str(raw)))


def _score(raw: Any, passed: bool) -> float:
    """The judge's score as a number in [0, 1]; the pass itself (1 or 0) when it gave none."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        score = float(raw)
    else:
        try:
            score = float(str(raw)) if raw is not None else float(passed)
        except ValueError:
            score = float(passed)
    if not math.isfinite(score):
        score = float(passed)
    return min(1.0, max(0.0, score))


def read_verdict(text: str, threshold: float | None) -> tuple[bool, float, str] | None:
    """pass, score and reason from a judge's answer (its first JSON object), or None if it has none."""
    verdict = next((v for v in embedded_json(text) if isinstance(v, dict)), None)
    if verdict is None:
        return None
    passed = _verdict(verdict.get("pass", True))
    score = _score(verdict.get("score"), passed)
    if threshold is not None:
        passed = passed and score >= threshold
    reason = verdict.get("reason")
    if not isinstance(reason, str) or not reason:
        reason = "Grading passed" if passed else f"Score {score:g} below threshold {threshold}"
    return passed, score, reason[:MAX_REASON]


async def check_llm_rubric(
    grader: ModelGrader, ref: ProviderRef, output: str, rubric: str, threshold: float | None, negate: bool
) -> Outcome:
    try:
        answer = await grader.complete(ref, grading_messages(output, rubric))
    except AppError as exc:
        return Outcome.failed_to_evaluate(f"llm-rubric: {exc.detail}")
    verdict = read_verdict(answer.text, threshold)
    if verdict is None:
        return Outcome.failed_to_evaluate(
            "Could not extract JSON from llm-rubric response", cost_usd=answer.cost_usd, model_calls=1
        )
    passed, score, reason = verdict
    return Outcome(
        passed != negate,
        1.0 - score if negate else score,
        reason,
        cost_usd=answer.cost_usd,
        model_calls=1,
    )


def cosine(a: list[float], b: list[float]) -> float | None:
    """Cosine similarity; None for vectors that cannot be compared (different sizes, zero length)."""
    if len(a) != len(b) or not a:
        return None
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm > 0 else None


def _similarity_outcome(similarity: float, threshold: float, negate: bool) -> Outcome:
    passed = similarity <= threshold + _EPSILON if negate else similarity >= threshold - _EPSILON
    at_least = f"Similarity {similarity:.2f} is greater than or equal to threshold {threshold:g}"
    below = f"Similarity {similarity:.2f} is less than threshold {threshold:g}"
    reason = (below if negate else at_least) if passed else (at_least if negate else below)
    return Outcome(passed, 1.0 - similarity if negate else similarity, reason)


async def check_similar(
    grader: ModelGrader, ref: ProviderRef, output: str, values: list[str], threshold: float, negate: bool
) -> Outcome:
    """similar to at least one value; `not-similar` passes only when dissimilar to every value."""
    try:
        answer = await grader.embed(ref, [output, *values])
    except AppError as exc:
        return Outcome.failed_to_evaluate(f"similar: {exc.detail}")
    cost = answer.cost_usd
    if len(answer.vectors) != len(values) + 1:
        reason = "similar: the provider returned the wrong number of embeddings."
        return Outcome.failed_to_evaluate(reason, cost_usd=cost, model_calls=1)
    output_vector, value_vectors = answer.vectors[0], answer.vectors[1:]
    outcomes: list[Outcome] = []
    for vector in value_vectors:
        similarity = cosine(vector, output_vector)
        if similarity is None:
            reason = "similar: the embeddings cannot be compared (empty or of different sizes)."
            return Outcome.failed_to_evaluate(reason, cost_usd=cost, model_calls=1)
        outcomes.append(_similarity_outcome(similarity, threshold, negate))
    if negate:
        chosen = next((o for o in outcomes if not o.passed), None) or min(outcomes, key=lambda o: o.score)
    else:
        chosen = next((o for o in outcomes if o.passed), None) or max(outcomes, key=lambda o: o.score)
        if not chosen.passed and len(outcomes) > 1:
            chosen = Outcome(False, chosen.score, "None of the provided values met the similarity threshold")
    return Outcome(chosen.passed, chosen.score, chosen.reason, cost_usd=cost, model_calls=1)
