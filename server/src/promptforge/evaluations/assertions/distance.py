"""levenshtein (edit distance, rapidfuzz) and rouge-n (promptfoo's js-rouge `n`: unigram recall).

Both are CPU work proportional to the output: grading.py runs them in a worker thread above a
size, and levenshtein is bounded (rapidfuzz's banded algorithm with the threshold as cutoff).
"""

from __future__ import annotations

import math
import re

from rapidfuzz.distance import Levenshtein

from promptforge.evaluations.assertions.outcome import Outcome

# rapidfuzz works on 64-character words: beyond this many word operations a comparison could hold
# a worker thread for seconds, so it is reported as an error instead
MAX_LEVENSHTEIN_WORK = 500_000_000
EXACT_DISTANCE_WORK = 100_000_000  # below this the exact distance is computed for the reason
_WORD = re.compile(r"\w+(?:[.,:'\u2019]\w+)*|\.\.\.|--|[^\w\s]")
_CONTRACTION = re.compile(r"^(.+?)(n't|N'T|'(?:ll|LL|re|RE|ve|VE|[sSmMdD]))$")


def check_levenshtein(output: str, value: str, threshold: float, negate: bool) -> Outcome:
    """Passes when the edit distance is at most `threshold` (promptfoo's default 5)."""
    limit = math.floor(threshold)
    longer, shorter = max(len(output), len(value)), min(len(output), len(value))
    band = min(shorter, 2 * limit + 1)
    if longer * band / 64 > MAX_LEVENSHTEIN_WORK:
        return Outcome.failed_to_evaluate(
            f"The output ({len(output)} characters) and the value ({len(value)}) are too long to compare "
            f"within a distance of {limit}."
        )
    exact = longer * shorter / 64 <= EXACT_DISTANCE_WORK
    distance = (
        Levenshtein.distance(output, value)
        if exact
        else Levenshtein.distance(output, value, score_cutoff=limit)
    )
    within = distance <= limit
    shown = str(distance) if exact or within else f"more than {limit}"
    if negate:
        failure = f"Levenshtein distance {shown} is less than or equal to threshold {threshold:g}"
        return Outcome.of(not within, failure)
    return Outcome.of(within, f"Levenshtein distance {shown} is greater than threshold {threshold:g}")


def words(text: str) -> list[str]:
    """Penn-Treebank-style tokens: punctuation apart from words, contractions split (do n't, it 's)."""
    tokens: list[str] = []
    for token in _WORD.findall(text):
        match = _CONTRACTION.match(token) if len(token) > 2 and ("'" in token or "N'T" in token) else None
        if match is not None:
            tokens.extend(match.groups())
        else:
            tokens.append(token)
    return tokens


def rouge_n(candidate: str, reference: str) -> float | None:
    """js-rouge's n() with n = 1, case-sensitive: distinct shared unigrams ÷ the reference's unigrams.

    None when the reference has no tokens (nothing to recall).
    """
    reference_grams = words(reference)
    if not reference_grams:
        return None
    shared = set(words(candidate)) & set(reference_grams)
    return len(shared) / len(reference_grams)


def check_rouge(output: str, value: str, threshold: float, negate: bool) -> Outcome:
    """Passes when ROUGE-N ≥ threshold (default 0.75); `not-` scores 1 - ROUGE-N."""
    score = rouge_n(output, value)
    if score is None:
        return Outcome.failed_to_evaluate("rouge-n: the reference value has no words to compare with.")
    passed = (score >= threshold) != negate
    if score >= threshold:
        reason = f"ROUGE-N score {score:.2f} is greater than or equal to threshold {threshold:g}"
    else:
        reason = f"ROUGE-N score {score:.2f} is less than threshold {threshold:g}"
    return Outcome(passed, 1 - score if negate else score, reason)
