"""Evaluations: prompt variants × models over a dataset, graded by promptfoo-style assertions."""
