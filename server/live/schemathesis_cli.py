"""schemathesis' command line, with one CPython 3.11 bug worked around (run by fuzz.py).

Hypothesis names a filter's lambda (for its reports only) by parsing the lambda's whole source file
with `ast.parse`. On schemathesis' large coverage module, CPython 3.11's AST conversion sometimes
raises SystemError ("AST constructor recursion depth mismatch") instead of returning the tree, and
hypothesis reports that as a "Runtime Error" of whichever operation triggered the parse: nothing
about the API under test. Hypothesis already treats a source it cannot parse (SyntaxError) as a
lambda it cannot name, so that is what this failure becomes — in hypothesis' lambda naming only.
"""

from __future__ import annotations

import ast
import types
from typing import Any

from hypothesis.internal import lambda_sources


def _parse_or_give_up(*args: Any, **kwargs: Any) -> ast.AST:
    try:
        return ast.parse(*args, **kwargs)
    except SystemError as error:
        raise SyntaxError(f"not parsed ({error})") from None


_ast_for_lambda_names = types.ModuleType("ast")
_ast_for_lambda_names.__dict__.update(ast.__dict__)
_ast_for_lambda_names.parse = _parse_or_give_up  # type: ignore[attr-defined]
lambda_sources.ast = _ast_for_lambda_names  # type: ignore[attr-defined]

if __name__ == "__main__":
    import schemathesis.cli

    schemathesis.cli.schemathesis()
