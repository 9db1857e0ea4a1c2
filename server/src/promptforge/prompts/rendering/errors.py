"""Failures a render can raise inside the sandbox, and their translation into one 422 each."""

from __future__ import annotations

from jinja2.exceptions import SecurityError, TemplateError, UndefinedError

from promptforge.core.errors import AppError, Unprocessable

Loc = list[str | int]
SECURITY_MESSAGE = "The template tried an operation that is not allowed in prompt templates."


def field_error(loc: Loc, msg: str, code: str) -> Unprocessable:
    """A 422 locating the problem like a validation error."""
    return Unprocessable.field(loc, msg, code=code)


class NeedsMoreTime(Exception):
    """The inline attempt ran out of its small budget: render again in a worker thread."""


class RenderTimeout(BaseException):
    """Raised by the trace function; a BaseException so no `except Exception` in Jinja swallows it."""


class TooLarge(Exception):
    """A value or the output would exceed the output limit."""


class Unprintable(Exception):
    """The template tried to turn a function, class, iterator or plain object into text."""

    def __init__(self, type_name: str) -> None:
        super().__init__(
            f"The template printed a {type_name}, which has no text form "
            "(call a function, add |list to an iterator)."
        )


class UnknownInclude(Exception):
    """`prompt(...)` was called with arguments that were not resolved before rendering."""


class MissingVariable(UndefinedError):
    """StrictUndefined failure that remembers which name was missing."""

    def __init__(self, message: str | None = None, *, name: str | None = None, nested: bool = False) -> None:
        super().__init__(message)
        self.name = name
        self.nested = nested


def render_failure(exc: Exception) -> AppError:
    """Turn anything a template can raise into a 422 that reveals no internals."""
    if isinstance(exc, AppError):
        return exc
    if isinstance(exc, SecurityError):
        return field_error(["body", "template"], SECURITY_MESSAGE, "template_security")
    if isinstance(exc, TooLarge):
        return field_error(["body"], str(exc), "output_too_large")
    if isinstance(exc, Unprintable):
        return field_error(["body", "template"], str(exc), "unprintable_value")
    if isinstance(exc, MissingVariable) and exc.name is not None and not exc.nested:
        msg = f"Missing variable '{exc.name}'."
        return field_error(["body", "variables", exc.name], msg, "missing_variable")
    if isinstance(exc, UndefinedError):
        return field_error(["body", "variables"], f"Missing variable: {exc.message}.", "missing_variable")
    if isinstance(exc, UnknownInclude):
        msg = "prompt(...) may only be called directly, with constant arguments."
        return field_error(["body", "template"], msg, "invalid_include")
    if isinstance(exc, UnicodeError):
        msg = "The rendered text contains a lone surrogate (invalid Unicode); check the variables."
        return field_error(["body", "variables"], msg, "invalid_text")
    if isinstance(exc, TemplateError | ArithmeticError | LookupError | TypeError | ValueError):
        detail = str(exc)[:300]
        return field_error(["body"], f"The template failed: {type(exc).__name__}: {detail}", "render_error")
    if isinstance(exc, RecursionError):
        return field_error(["body"], "The template recursed too deeply.", "render_error")
    return field_error(["body"], "The template failed to render.", "render_error")
