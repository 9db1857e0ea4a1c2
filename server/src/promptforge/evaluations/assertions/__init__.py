"""promptfoo's assertions on the server: parsing (spec.py), one module per family, scoring (grading.py).

Names, fields and semantics follow promptfoo, so a promptfoo user's tests mean the same thing here;
where the issue differs (weight 0, errors apart from failures, no trimming, no user code) the
differences are written in docs/evaluations.md.
"""
