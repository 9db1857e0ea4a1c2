"""What a template may look like: the one shape, size, encoding, syntax and include check.

Saved versions, imports and playground drafts all go through `check_template`; the renderer
splits templates with the same `template_units`, so every path applies the same rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from jinja2 import meta, nodes
from jinja2.environment import Template
from jinja2.exceptions import TemplateSyntaxError

from promptforge.core.schemas import INT32_MAX
from promptforge.prompts.names import LABEL_NAME, PROMPT_NAME
from promptforge.prompts.rendering.errors import Loc, field_error
from promptforge.prompts.rendering.sandbox import ENV, RESERVED_NAMES
from promptforge.prompts.rendering.size_guard import with_guard

if TYPE_CHECKING:
    from promptforge.core.config import Settings

Kind = Literal["text", "chat"]
IncludeKey = tuple[str, str | None, int | None]

DEFAULT_INCLUDE_LABEL = "latest"
CHAT_ROLES = frozenset({"system", "user", "assistant"})
PLACEHOLDER_ROLE = "placeholder"
PLACEHOLDER_NAME = r"^[A-Za-z_][A-Za-z0-9_]{0,63}$"
_PLACEHOLDER_NAME = re.compile(PLACEHOLDER_NAME)


@dataclass(frozen=True)
class RenderLimits:
    """Settings-driven limits applied to every render."""

    template_max_bytes: int = 65536
    # each chat message is compiled on its own: thousands of tiny ones cost seconds of CPU
    template_max_messages: int = 500
    output_max_bytes: int = 1_048_576
    timeout_seconds: float = 1.0

    @classmethod
    def from_settings(cls, settings: Settings) -> RenderLimits:
        """PF_TEMPLATE_* and PF_RENDER_* as limits."""
        return cls(
            template_max_bytes=settings.template_max_bytes,
            template_max_messages=settings.template_max_messages,
            output_max_bytes=settings.render_max_output_bytes,
            timeout_seconds=settings.render_timeout_seconds,
        )


@dataclass(frozen=True)
class TemplateUnit:
    """One template unit: a text template, a chat message or a chat placeholder."""

    role: str | None
    content: str | None
    placeholder: str | None
    loc: Loc


@dataclass(frozen=True)
class Compiled:
    """A compiled template unit and the includes it calls."""

    template: Template
    includes: tuple[IncludeKey, ...]


def include_key(name: Any, label: Any, version: Any) -> IncludeKey:
    """Normalise include arguments; no label and no version means label "latest"."""
    if label is None and version is None:
        label = DEFAULT_INCLUDE_LABEL
    return (name, label, version)


def template_units(kind: str, template: Any, loc: Loc, limits: RenderLimits | None) -> list[TemplateUnit]:
    """Validate the shape of a template and split it into units.

    The message count is checked before anything is split or compiled; `limits=None` skips it
    (only for a template `check_template` has passed already).
    """
    if kind == "text":
        if not isinstance(template, str):
            raise field_error(loc, "A text template must be a string.", "invalid_template")
        return [TemplateUnit(None, template, None, loc)]
    if kind != "chat":
        raise field_error(["body", "kind"], "kind must be 'text' or 'chat'.", "invalid_template")
    if not isinstance(template, list) or not template:
        raise field_error(loc, "A chat template must be a non-empty list of messages.", "invalid_template")
    if limits is not None and len(template) > limits.template_max_messages:
        msg = f"The template has {len(template)} messages; the limit is {limits.template_max_messages}."
        raise field_error(loc, msg, "template_too_large")
    return [_chat_message(item, [*loc, i]) for i, item in enumerate(template)]


def _chat_message(item: Any, loc: Loc) -> TemplateUnit:
    if not isinstance(item, dict):
        raise field_error(loc, "A chat message must be an object.", "invalid_template")
    role = item.get("role")
    if role == PLACEHOLDER_ROLE:
        name = item.get("name")
        if (
            set(item) != {"role", "name"}
            or not isinstance(name, str)
            or not _PLACEHOLDER_NAME.fullmatch(name)
        ):
            msg = "A placeholder is {role: 'placeholder', name: <identifier of up to 64 characters>}."
            raise field_error([*loc, "name"], msg, "invalid_template")
        if name in RESERVED_NAMES:
            raise field_error([*loc, "name"], f"'{name}' is reserved.", "invalid_template")
        return TemplateUnit(PLACEHOLDER_ROLE, None, name, loc)
    if role not in CHAT_ROLES:
        msg = "role must be one of system, user, assistant, placeholder."
        raise field_error([*loc, "role"], msg, "invalid_template")
    if set(item) != {"role", "content"} or not isinstance(item.get("content"), str):
        raise field_error([*loc, "content"], "A chat message is {role, content: string}.", "invalid_template")
    return TemplateUnit(role, item["content"], None, [*loc, "content"])


def check_size_and_encoding(units: list[TemplateUnit], limits: RenderLimits, loc: Loc) -> None:
    """The template fits the size limit (UTF-8 bytes) and is valid Unicode (no lone surrogates)."""
    size = 0
    for unit in units:
        text = unit.content or unit.placeholder or ""
        if text.isascii():
            size += len(text)
            continue
        try:
            size += len(text.encode("utf-8"))
        except UnicodeEncodeError as exc:
            msg = f"The template contains invalid Unicode (a lone surrogate) at character {exc.start}."
            raise field_error(unit.loc, msg, "invalid_template") from None
    if size > limits.template_max_bytes:
        msg = f"The template is {size} bytes; the limit is {limits.template_max_bytes}."
        raise field_error(loc, msg, "template_too_large")


def _parse(source: str, loc: Loc) -> nodes.Template:
    """Parse with the sandbox environment; syntax problems become 422 naming the line."""
    try:
        return ENV.parse(source)
    except TemplateSyntaxError as exc:
        msg = f"Line {exc.lineno}: {exc.message or 'syntax error'}"
        raise field_error(loc, msg, "template_syntax") from None
    except (RecursionError, MemoryError):
        raise field_error(loc, "The template is nested too deeply.", "template_syntax") from None


def _includes(ast: nodes.Template, loc: Loc) -> tuple[IncludeKey, ...]:
    """The constant `prompt(...)` calls of a template; anything else touching `prompt` is refused."""
    for node in ast.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        msg = f'Line {node.lineno}: extends/include/import are not available; use prompt("name").'
        raise field_error(loc, msg, "invalid_include")
    callees: set[int] = set()
    keys: list[IncludeKey] = []
    for call in ast.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name == "prompt":
            callees.add(id(call.node))
            key = _include_from_call(call, loc)
            if key not in keys:
                keys.append(key)
    for name in ast.find_all(nodes.Name):
        if name.name == "prompt" and id(name) not in callees:
            msg = f"Line {name.lineno}: 'prompt' is reserved for includes: call it as prompt(\"name\", ...)."
            raise field_error(loc, msg, "invalid_include")
    return tuple(keys)


_PROMPT_NAME, _LABEL_NAME = re.compile(PROMPT_NAME), re.compile(LABEL_NAME)


def _include_from_call(call: nodes.Call, loc: Loc) -> IncludeKey:
    """The (name, label, version) of one include, bounded like the API's own names and numbers.

    An argument no route would accept (version 2**31, a label with NUL) is refused here, when the
    template is saved or compiled, so it never reaches the database as an include lookup.
    """
    bad = field_error(
        loc,
        f'Line {call.lineno}: includes must be prompt("name"), prompt("name", label="...") or '
        'prompt("name", version=N) with constant arguments.',
        "invalid_include",
    )
    if call.dyn_args is not None or call.dyn_kwargs is not None or len(call.args) != 1:
        raise bad
    options = {kw.key: kw.value for kw in call.kwargs}
    values = [call.args[0], *options.values()]
    if set(options) - {"label", "version"} or not all(isinstance(v, nodes.Const) for v in values):
        raise bad
    name, label, version = (
        v.value if isinstance(v, nodes.Const) else None
        for v in (call.args[0], options.get("label"), options.get("version"))
    )
    if label is not None and version is not None:
        raise bad
    if not isinstance(name, str) or not _PROMPT_NAME.fullmatch(name):
        msg = f"Line {call.lineno}: the included prompt's name must match {_PROMPT_NAME.pattern}."
        raise field_error(loc, msg, "invalid_include")
    if label is not None and (not isinstance(label, str) or not _LABEL_NAME.fullmatch(label)):
        msg = f"Line {call.lineno}: label must match {_LABEL_NAME.pattern}."
        raise field_error(loc, msg, "invalid_include")
    if version is not None and (
        not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= INT32_MAX
    ):
        msg = f"Line {call.lineno}: version must be a whole number from 1 to {INT32_MAX}."
        raise field_error(loc, msg, "invalid_include")
    return include_key(name, label, version)


def compile_unit(source: str, loc: Loc, output_max_bytes: int) -> Compiled:
    """Parse, check and compile one template unit (CPU-bound: call it off the event loop)."""
    ast = _parse(source, loc)
    includes = _includes(ast, loc)
    try:
        # constant folding may run filters at compile time: give them the render's output limit
        template = with_guard(output_max_bytes, lambda: ENV.from_string(ast))
    except TemplateSyntaxError as exc:
        msg = f"Line {exc.lineno}: {exc.message or 'syntax error'}"
        raise field_error(loc, msg, "template_syntax") from None
    except (RecursionError, MemoryError, SyntaxError):
        raise field_error(loc, "The template is nested too deeply.", "template_syntax") from None
    return Compiled(template, includes)


def check_template(kind: str, template: Any, limits: RenderLimits) -> None:
    """Shape, size, encoding and syntax check for versions, imports and drafts (422 at body.template).

    CPU-bound (parses and generates code): call it off the event loop.
    """
    loc: Loc = ["body", "template"]
    units = template_units(kind, template, loc, limits)
    check_size_and_encoding(units, limits, loc)
    for unit in units:
        if unit.content is not None:
            ast = _parse(unit.content, unit.loc)
            _includes(ast, unit.loc)
            try:
                ENV.compile(ast)  # code generation finds a few errors the parser does not
            except TemplateSyntaxError as exc:
                msg = f"Line {exc.lineno}: {exc.message or 'syntax error'}"
                raise field_error(unit.loc, msg, "template_syntax") from None
            except (RecursionError, MemoryError, SyntaxError):
                msg = "The template is nested too deeply."
                raise field_error(unit.loc, msg, "template_syntax") from None


def infer_variables(kind: str, template: Any) -> list[str]:
    """Names the template reads but does not define (plus chat placeholders), sorted.

    Call it after `check_template`, which bounds the template.
    """
    names: set[str] = set()
    for unit in template_units(kind, template, ["body", "template"], None):
        if unit.placeholder is not None:
            names.add(unit.placeholder)
        elif unit.content is not None:
            names |= meta.find_undeclared_variables(_parse(unit.content, unit.loc))
    return sorted(names - RESERVED_NAMES)
