"""Per-render size accounting: estimate how large a value would be *before* anything builds it.

Tracing (see `deadline`) cannot interrupt one C-level operation such as `'a' * 10**9`, so every
operation that can build a large value in one step asks the guard of the current render first.
The guard also refuses to print values whose text form is a Python repr (an object address).
"""

from __future__ import annotations

import re
import string
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar, cast

from jinja2.runtime import Undefined
from jinja2.utils import Namespace

from promptforge.prompts.rendering.errors import TooLarge, Unprintable

T = TypeVar("T")

DEFAULT_OUTPUT_LIMIT = 1_048_576
# Python refuses to print ints longer than this (sys.int_info.default_max_str_digits); bigger
# numbers are useless in a prompt and multiplying them can take seconds in one C call.
MAX_INT_DIGITS = 4300

_local = threading.local()
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")
_DIGITS = re.compile(r"\d+")
_FORMATTER = string.Formatter()
# concrete types only: isinstance against ABCs runs Python code, and this is on the hot path
CONTAINERS: tuple[type, ...] = (
    list,
    tuple,
    dict,
    set,
    frozenset,
    type({}.keys()),
    type({}.values()),
    type({}.items()),
)
_SCALARS: tuple[type, ...] = (str, int, float, type(None), range)


def prints_address(value: Any) -> bool:
    """True for values whose str() is a Python repr: functions, classes, iterators, plain objects.

    Printing them would show object addresses (`<function f at 0x...>`) and nothing useful.
    Undefined is left alone: printing it raises the missing-variable error it stands for.
    """
    if isinstance(value, (*_SCALARS, Undefined)):
        return False
    kind: Any = type(value)
    return (
        callable(value)
        or isinstance(value, Iterator)
        or (kind.__repr__ is object.__repr__ and kind.__str__ is object.__str__)
    )


def small_int(text: str, cap: int) -> int:
    """int(text) without tripping over absurdly long digit strings."""
    return int(text) if len(text) < 12 else cap + 1


def int_arg(args: tuple[Any, ...], kwargs: Mapping[str, Any], index: int, name: str, default: Any) -> Any:
    """A filter argument given by position or by name."""
    return args[index] if len(args) > index else kwargs.get(name, default)


class Guard:
    """Size accounting of one render."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        # id -> (object, weight); the object is kept so its id cannot be reused during this render
        self._memo: dict[int, tuple[Any, int]] = {}

    def check(self, size: int, what: str = "a value") -> None:
        """Refuse a result of `size` characters if it exceeds the limit."""
        if size > self.limit:
            raise TooLarge(f"{what} would exceed the output limit of {self.limit} bytes")

    def check_value(self, value: Any) -> None:
        """Refuse strings and containers whose printed form would exceed the limit."""
        if isinstance(value, str):
            self.check(len(value), "a string")
        elif isinstance(value, (*CONTAINERS, Namespace)):
            self.check(self.weight(value), "a value")

    def check_printable(self, value: Any) -> None:
        """check_value for a value about to become text: also refuses reprs with addresses."""
        if isinstance(value, str):
            self.check(len(value), "a string")
        elif isinstance(value, (*CONTAINERS, Namespace)):
            self.check(self.weight(value), "a value")
        elif prints_address(value):
            raise Unprintable(type(value).__name__)

    def weight(self, value: Any) -> int:
        """Roughly len(str(value)), counting shared sub-objects each time; stops once past the limit."""
        if isinstance(value, str):
            return len(value)
        if isinstance(value, bool) or value is None:
            return 5
        if isinstance(value, int):
            return value.bit_length() // 3 + 2
        if isinstance(value, float):
            return 24
        if isinstance(value, Namespace):  # mutable, so never memoized
            return self._sum(object.__getattribute__(value, "_Namespace__attrs").items(), 12)
        if isinstance(value, range):
            return len(value) * (max(abs(value.start), abs(value.stop)).bit_length() // 3 + 4)
        if not isinstance(value, CONTAINERS):
            if prints_address(value):  # inside a container it would print as its repr
                raise Unprintable(type(value).__name__)
            return 64
        known = self._memo.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        total = self._sum(value.items() if isinstance(value, dict) else cast("Iterable[Any]", value), 2)
        self._memo[id(value)] = (value, total)
        return total

    def _sum(self, entries: Iterable[Any], base: int) -> int:
        total = base
        for entry in entries:
            total += self.weight(entry) + 2
            if total > self.limit:
                break
        return total

    def binop_size(self, operator: str, left: Any, right: Any) -> int:
        """Estimated size of `left <operator> right` for the intercepted operators."""
        if operator == "+":
            sequences = (str, list, tuple)
            both = isinstance(left, sequences) and isinstance(right, sequences)
            return self.weight(left) + self.weight(right) if both else 0
        if operator == "*":
            return self._product_size(left, right)
        if operator == "**":
            return self._power_size(left, right)
        if operator == "%" and isinstance(left, str):
            return self.percent_size(left, right)
        return 0

    def _product_size(self, left: Any, right: Any) -> int:
        if isinstance(left, int) and not isinstance(right, int):
            left, right = right, left
        if not isinstance(right, int):
            return 0
        if isinstance(left, str | list | tuple):
            return self.weight(left) * max(right, 0)
        if isinstance(left, int):
            return self.digits_size(left.bit_length() + right.bit_length())
        return 0

    def _power_size(self, base: Any, exponent: Any) -> int:
        if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1:
            return self.digits_size(base.bit_length() * exponent)
        return 0

    def digits_size(self, bits: int) -> int:
        """Size of an int with `bits` bits; anything over MAX_INT_DIGITS counts as too large."""
        digits = bits // 3 + 1
        return digits if digits <= MAX_INT_DIGITS else self.limit + 1

    def percent_size(self, fmt: str, values: Any) -> int:
        """Estimated size of `fmt % values` (also the `format` filter)."""
        specs = _PERCENT_SPEC.findall(fmt)
        items: tuple[Any, ...] = ()
        if isinstance(values, dict):
            body = len(specs) * max((self.weight(v) for v in values.values()), default=0)
        else:
            items = values if isinstance(values, tuple) else (values,)
            body = sum(self.weight(v) for v in items)
        widths = 0
        for spec in specs:
            for part in spec:
                if part == "*":
                    widths += max((abs(v) for v in items if isinstance(v, int)), default=0)
                elif part:
                    widths += small_int(part, self.limit)
        return len(fmt) + body + widths

    def format_size(self, fmt: str, values: list[Any]) -> int:
        """Estimated size of `fmt.format(...)`: every field may repeat the biggest argument."""
        fields = widths = 0
        try:
            for _text, field, spec, _conversion in _FORMATTER.parse(fmt):
                fields += field is not None
                if spec:
                    widths += sum(small_int(d, self.limit) for d in _DIGITS.findall(spec))
                if spec and "{" in spec:
                    widths += max((abs(v) for v in values if isinstance(v, int)), default=0)
        except ValueError:  # malformed format string: str.format raises it again, cheaply
            return len(fmt)
        biggest = max((self.weight(v) for v in values), default=0)
        return len(fmt) + fields * biggest + widths

    def str_method_args(
        self, text: str, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[Any, ...]:
        """Check a str method call before it runs; returns args (join's iterable made a list)."""
        if method == "join":
            items = list(args[0]) if args else []
            args = (items, *args[1:])
            self.check(sum(self.weight(i) for i in items) + len(text) * len(items), "str.join")
        elif method in ("center", "ljust", "rjust", "zfill"):
            width = args[0] if args else 0
            self.check(width if isinstance(width, int) else 0, f"str.{method}")
        elif method == "replace" and len(args) >= 2:
            self.check(replace_size(text, args[0], args[1], args[2] if len(args) > 2 else -1), "str.replace")
        elif method == "format":
            self.check(self.format_size(text, [*args, *kwargs.values()]), "str.format")
        elif method == "format_map" and args and isinstance(args[0], dict):
            self.check(self.format_size(text, list(args[0].values())), "str.format_map")
        return args


def replace_size(text: str, old: Any, new: Any, count: Any) -> int:
    """Estimated size of `text.replace(old, new, count)`."""
    if not isinstance(old, str) or not isinstance(new, str):
        return len(text)
    hits = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    return len(text) + hits * max(len(new) - len(old), 0)


def current_guard() -> Guard:
    """The guard of the render running in this thread (a default one for compile-time folding)."""
    guard: Guard | None = getattr(_local, "guard", None)
    return guard if guard is not None else Guard(DEFAULT_OUTPUT_LIMIT)


def with_guard(limit: int, fn: Callable[[], T]) -> T:
    """Run fn with a fresh size guard installed for this thread."""
    previous = getattr(_local, "guard", None)
    _local.guard = Guard(limit)
    try:
        return fn()
    finally:
        _local.guard = previous
