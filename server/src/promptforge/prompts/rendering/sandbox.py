"""The Jinja sandbox prompts render in: immutable, strict about undefined names, size-guarded.

Every operation that can build a large value in one step goes through the size guard of the
current render, and nothing a template can reach prints a Python repr (an object address).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import TemplateRuntimeError, UndefinedError
from jinja2.runtime import Context, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace, missing

from promptforge.prompts.rendering.errors import MissingVariable
from promptforge.prompts.rendering.filters import guard_filter, guarded_join, guarded_json_dumps
from promptforge.prompts.rendering.size_guard import current_guard

T = TypeVar("T")

TEMPLATE_FILENAME = "<template>"  # what Jinja names the code of templates built from strings
# lipsum builds arbitrarily large text in one call and is no use in a prompt
_DROPPED_GLOBALS = frozenset({"lipsum"})
# str methods templates may call; the rest (translate, expandtabs, encode, ...) can amplify or leak.
_STR_METHODS = frozenset(
    [
        "capitalize",
        "casefold",
        "center",
        "count",
        "endswith",
        "find",
        "format",
        "format_map",
        "index",
        "isalnum",
        "isalpha",
        "isascii",
        "isdecimal",
        "isdigit",
        "isidentifier",
        "islower",
        "isnumeric",
        "isprintable",
        "isspace",
        "istitle",
        "isupper",
        "join",
        "ljust",
        "lower",
        "lstrip",
        "partition",
        "removeprefix",
        "removesuffix",
        "replace",
        "rfind",
        "rindex",
        "rjust",
        "rpartition",
        "rsplit",
        "rstrip",
        "split",
        "splitlines",
        "startswith",
        "strip",
        "swapcase",
        "title",
        "upper",
        "zfill",
    ]
)


def _finalize(value: Any) -> Any:
    """Applied to every `{{ ... }}` before str(): refuses values too large or without a text form."""
    current_guard().check_printable(value)
    return value


class _Namespace(Namespace):
    """`namespace()` whose attribute assignments go through the guard (they carry state across loops)."""

    def __setitem__(self, name: str, value: Any) -> None:
        current_guard().check_value(value)
        super().__setitem__(name, value)


class _Undefined(StrictUndefined):
    """StrictUndefined whose error names the missing variable, so the 422 can point at it."""

    __slots__ = ()

    def __init__(
        self,
        hint: str | None = None,
        obj: Any = missing,
        name: str | None = None,
        exc: type[TemplateRuntimeError] = UndefinedError,
    ) -> None:
        if exc is UndefinedError:  # the sandbox passes SecurityError for unsafe attributes: keep that
            exc = cast(
                "type[TemplateRuntimeError]",
                functools.partial(MissingVariable, name=name, nested=obj is not missing),
            )
        super().__init__(hint, obj, name, exc)


class _CodeGenerator(CodeGenerator):
    """Routes `~` and container literals through the guard: the sandbox has no hook for them."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.guarded_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")

    def visit_List(self, node: nodes.List, frame: Frame) -> None:
        self.write("environment.guarded_value(")
        super().visit_List(node, frame)
        self.write(")")

    def visit_Dict(self, node: nodes.Dict, frame: Frame) -> None:
        self.write("environment.guarded_value(")
        super().visit_Dict(node, frame)
        self.write(")")

    def visit_Tuple(self, node: nodes.Tuple, frame: Frame) -> None:
        if node.ctx != "load":  # assignment targets such as `{% for a, b in ... %}`
            super().visit_Tuple(node, frame)
            return
        self.write("environment.guarded_value(")
        super().visit_Tuple(node, frame)
        self.write(")")


class SandboxEnvironment(ImmutableSandboxedEnvironment):
    """The immutable sandbox plus size guards on every operation that can build a large value."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    code_generator_class = _CodeGenerator

    def __init__(self) -> None:
        # Prompts are plain text for LLMs, not HTML: escaping would corrupt them.
        super().__init__(undefined=_Undefined, autoescape=False, finalize=_finalize)
        self.concat = guarded_join  # type: ignore[method-assign]
        guarded = {name: guard_filter(name, func) for name, func in self.filters.items()}
        self.filters = {name: func for name, func in guarded.items() if func is not None}
        self.globals = {k: v for k, v in self.globals.items() if k not in _DROPPED_GLOBALS}
        self.globals["namespace"] = _Namespace
        self.policies["json.dumps_function"] = guarded_json_dumps

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if type(obj) is str and attr not in _STR_METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        guard = current_guard()
        guard.check(guard.binop_size(operator, left, right), f"the {operator} operator")
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """str.format / format_map come wrapped from attribute access; guard the wrapper too."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        text, method = value.__self__, value.__name__

        def guarded(*args: Any, **kwargs: Any) -> str:
            current_guard().str_method_args(text, method, args, kwargs)
            return wrapped(*args, **kwargs)

        return guarded

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        guard = current_guard()
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):  # str methods: bounded by estimates, results are linear
            args = guard.str_method_args(owner, getattr(__obj, "__name__", ""), args, kwargs)
            return super().call(__context, __obj, *args, **kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        guard.check_value(result)  # e.g. dict(a=x, b=x) nested in a loop
        return result

    def guarded_concat(self, parts: tuple[Any, ...]) -> str:
        """The `~` operator."""
        guard = current_guard()
        guard.check(sum(guard.weight(p) for p in parts), "the ~ operator")
        return "".join(map(str, parts))

    def guarded_value(self, value: T) -> T:
        """List, tuple and dict literals."""
        current_guard().check_value(value)
        return value


ENV = SandboxEnvironment()
RESERVED_NAMES = frozenset({"prompt", *ENV.globals})
