"""Evaluations: prompt variants and models over a dataset, graded by promptfoo's assertions.

See docs/evaluations.md.
"""
