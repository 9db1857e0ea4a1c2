"""Unit tests for the sandboxed renderer: variables, sandbox, limits, cache, chat and composition."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest

from promptforge.core.errors import NotFound, Unprocessable
from promptforge.prompts.rendering import errors, templates
from promptforge.prompts.rendering import renderer as renderer_module
from promptforge.prompts.rendering.renderer import IncludeLoader, Renderer, TemplateSource
from promptforge.prompts.rendering.templates import RenderLimits, check_template, infer_variables
from promptforge.prompts.rendering.variables import merge_declared_variables, validate_variables

RUNAWAY = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
BIG = "y" * 600_000  # under the default output limit, but two of them are over it


def text(
    template: str, name: str = "p", version: int = 1, variables: dict[str, Any] | None = None
) -> TemplateSource:
    return TemplateSource(name, version, "text", template, variables)


def chat(messages: list[dict[str, Any]], name: str = "c") -> TemplateSource:
    return TemplateSource(name, 1, "chat", messages, None)


def make_loader(*sources: TemplateSource, calls: list[Any] | None = None) -> IncludeLoader:
    by_name = {s.name: s for s in sources}

    async def loader(name: str, label: str | None, version: int | None) -> TemplateSource:
        if calls is not None:
            calls.append((name, label, version))
        if name not in by_name:
            raise NotFound(f"Prompt '{name}' not found.")
        return by_name[name]

    return loader


NO_INCLUDES = make_loader()


@pytest.fixture
def renderer() -> Iterator[Renderer]:
    r = Renderer(RenderLimits())
    yield r
    r.close()


async def render_text(r: Renderer, template: str, variables: dict[str, Any] | None = None) -> str:
    result = await r.render(text(template), variables or {}, NO_INCLUDES)
    assert result.messages is None and result.text is not None
    return result.text


async def render_error(
    r: Renderer, source: TemplateSource | str, variables: Any = None, loader: Any = None
) -> Unprocessable:
    src = text(source) if isinstance(source, str) else source
    with pytest.raises(Unprocessable) as info:
        await r.render(src, variables or {}, loader or NO_INCLUDES)
    assert info.value.status == 422
    return info.value


# --------------------------------------------------------------------------- basics and variables


async def test_renders_text_without_escaping(renderer: Renderer) -> None:
    out = await render_text(renderer, "Hello {{ name }} <{{ tag }}>", {"name": "Ann & Bob", "tag": "b"})
    assert out == "Hello Ann & Bob <b>"


async def test_missing_variable_is_422_naming_it(renderer: Renderer) -> None:
    err = await render_error(renderer, "Dear {{ customer }},", {"other": 1})
    assert err.code == "missing_variable"
    assert "customer" in err.detail
    assert err.errors == [
        {"loc": ["body", "variables", "customer"], "msg": err.detail, "type": "missing_variable"}
    ]


async def test_missing_attribute_is_422_missing_variable(renderer: Renderer) -> None:
    err = await render_error(renderer, "{{ user.email }}", {"user": {"name": "x"}})
    assert err.code == "missing_variable"
    assert "email" in err.detail


async def test_is_defined_and_default_still_work_with_strict_undefined(renderer: Renderer) -> None:
    out = await render_text(renderer, "{{ 'y' if x is defined else 'n' }}{{ z|default('d') }}")
    assert out == "nd"


async def test_render_checks_variables_against_declared_schema(renderer: Renderer) -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
    err = await render_error(renderer, text("{{ n }}", variables=schema), {"n": "five"})
    assert err.code == "invalid_variable"
    assert err.errors is not None and err.errors[0]["loc"] == ["body", "variables", "n"]
    result = await renderer.render(text("{{ n }}", variables=schema), {"n": 5}, NO_INCLUDES)
    assert result.text == "5"


# --------------------------------------------------------------------------- sandbox


@pytest.mark.parametrize(
    "template",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ x|attr('__class__') }}",
        "{{ '{0.__class__}'.format(x) }}",
        "{{ '{0.__init__.__globals__}'.format(items) }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ joiner.__init__.__globals__ }}",
        "{{ namespace.__init__.__globals__ }}",
        "{{ ''.__class__.__base__.__subclasses__() }}",
        "{{ x.__class__ }}",
        "{{ self.__init__.__globals__ }}",
        "{{ 'a'.translate({97: 'b'}) }}",
        "{{ 'a'.encode() }}",
        "{{ items.append(1) }}",
    ],
)
async def test_sandbox_escapes_are_generic_422(renderer: Renderer, template: str) -> None:
    err = await render_error(renderer, template, {"x": 1, "items": [1]})
    assert err.code == "template_security"
    assert err.detail == errors.SECURITY_MESSAGE
    assert "__" not in err.detail and "globals" not in err.detail


async def test_template_errors_are_422_not_500(renderer: Renderer) -> None:
    err = await render_error(renderer, "{{ 1 / 0 }}")
    assert err.code == "render_error"
    err = await render_error(renderer, "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}")
    assert err.code == "render_error"


async def test_syntax_error_names_the_line(renderer: Renderer) -> None:
    err = await render_error(renderer, "ok\n{% if %}")
    assert err.code == "template_syntax"
    assert "Line 2" in err.detail


# --------------------------------------------------------------------------- limits


async def test_template_too_large_at_render_and_check() -> None:
    limits = RenderLimits(template_max_bytes=100)
    r = Renderer(limits)
    try:
        err = await render_error(r, "x" * 101)
        assert err.code == "template_too_large"
    finally:
        r.close()
    with pytest.raises(Unprocessable) as info:
        check_template("text", "é" * 51, limits)  # 102 bytes in UTF-8
    assert info.value.code == "template_too_large"
    check_template("text", "x" * 100, limits)


async def test_output_limit_is_enforced_while_generating() -> None:
    r = Renderer(RenderLimits(output_max_bytes=1000))
    try:
        start = time.monotonic()
        # would be 100 000 x 600 000 bytes if it were built before being measured
        err = await render_error(r, "{% for i in range(100000) %}{{ s }}{% endfor %}", {"s": BIG[:900]})
        assert err.code == "output_too_large"
        assert time.monotonic() - start < 1
        assert await render_text(r, "{{ s }}", {"s": "é" * 500}) == "é" * 500  # exactly 1000 bytes
        err = await render_error(r, "{{ s }}x", {"s": "é" * 500})
        assert err.code == "output_too_large"
    finally:
        r.close()


@pytest.mark.parametrize(
    "template",
    [
        "{{ 'a' * 10**9 }}",
        "{{ 10 ** (10 ** 10) }}",
        "{{ [s] * 1000 }}",
        "{{ (2 ** 10000) * (2 ** 10000) }}",
        "{{ '%999999999s' % 'x' }}",
        "{{ '%s%s' % (s, s) }}",
        "{{ '{:>999999999}'.format(1) }}",
        "{{ ('{0}' * 1000).format(s) }}",
        "{{ 'x'.center(999999999) }}",
        "{{ 'x'|center(999999999) }}",
        "{{ 'ab'.replace('', s) }}",
        "{{ 'ab'|replace('', s) }}",
        "{{ ([1] * 100)|join(s) }}",
        "{{ s|indent(s) }}",
        "{{ '%s'|format(s ~ s) }}",
        "{{ [[1, 2, 3] * 1000]|tojson(indent=100000) }}",
        "{{ [1]|batch(3, [s]) }}",
        "{{ dict(a=s, b=s) }}",
        "{% set ns = namespace(v=s) %}{% for i in range(40) %}{% set ns.v = [ns.v, ns.v] %}{% endfor %}",
        "{% set ns = namespace(v='ab') %}{% for i in range(40) %}{% set ns.v = ns.v ~ ns.v %}{% endfor %}",
        "{% set ns = namespace(v='ab') %}{% for i in range(40) %}{% set ns.v = ns.v + ns.v %}{% endfor %}",
        "{% macro f(n) %}{% if n %}{% set r = f(n - 1) %}{{ r }}{{ r }}{% else %}x{% endif %}{% endmacro %}"
        "{% set out = f(40) %}",
    ],
)
async def test_single_step_amplifiers_are_refused(renderer: Renderer, template: str) -> None:
    start = time.monotonic()
    err = await render_error(renderer, template, {"s": BIG})
    assert err.code == "output_too_large", err.detail
    assert time.monotonic() - start < 1


async def test_reasonable_operators_and_filters_still_work(renderer: Renderer) -> None:
    template = (
        "{{ '-' * 3 }}{{ 2 ** 10 }}{{ '%05.1f' % 3.14159 }}{{ '{}-{}'.format('a', 'b') }}"
        "{{ ['x', 'y']|join('+') }}{{ 'ab'|replace('a', 'c') }}{{ 'hi'|center(6) }}|{{ [1, 2] + [3] }}"
        "{{ {'k': 1}|tojson }}{% set ns = namespace(n=0) %}{% for i in range(3) %}{% set ns.n = ns.n + i %}"
        "{% endfor %}{{ ns.n }}{{ 'a' ~ 1 }}{{ [1, 2, 3]|batch(2, 0)|list }}"
    )
    out = await render_text(renderer, template)
    assert out == '---1024003.1a-bx+ycb  hi  |[1, 2, 3]{"k": 1}3a1[[1, 2], [3, 0]]'


async def test_runaway_template_is_stopped_without_blocking_the_loop() -> None:
    r = Renderer(RenderLimits(timeout_seconds=0.5))
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    task = asyncio.create_task(ticker())
    try:
        start = time.monotonic()
        err = await render_error(r, RUNAWAY)
        elapsed = time.monotonic() - start
        assert err.code == "render_timeout"
        assert 0.5 <= elapsed < 1.0
        assert ticks >= 10  # the event loop kept running while the render thread was busy
        # the worker thread is free again: a normal render goes through at once
        assert await render_text(r, "{{ 1 + 1 }}") == "2"
    finally:
        task.cancel()
        r.close()


async def test_timeout_also_stops_python_level_helpers() -> None:
    r = Renderer(RenderLimits(timeout_seconds=0.3))
    try:
        start = time.monotonic()
        err = await render_error(
            r, "{% for i in range(1000) %}{{ range(100000)|select('odd')|list|length }}{% endfor %}"
        )
        assert err.code in {"render_timeout", "output_too_large"}
        assert time.monotonic() - start < 0.8
    finally:
        r.close()


# --------------------------------------------------------------------------- cache


async def test_compiled_templates_are_cached_by_content(
    renderer: Renderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled: list[str] = []
    original = templates.compile_unit

    def counting(source: str, loc: Any, limit: int) -> Any:
        compiled.append(source)
        return original(source, loc, limit)

    monkeypatch.setattr(renderer_module, "compile_unit", counting)
    for name in ("a", "b", "c"):
        assert await render_text(renderer, "Hi {{ n }}", {"n": name}) == f"Hi {name}"
    await renderer.render(text("Hi {{ n }}", name="other", version=7), {"n": 1}, NO_INCLUDES)
    assert compiled == ["Hi {{ n }}"]
    await render_text(renderer, "Bye {{ n }}", {"n": 1})
    assert compiled == ["Hi {{ n }}", "Bye {{ n }}"]


def test_template_cache_is_bounded() -> None:
    cache = renderer_module.CompiledCache(2)
    entry = templates.compile_unit("x", ["t"], 1000)
    for key in ("a", "b", "c"):
        cache.put(key, entry)
    assert cache.get("a") is None and cache.get("c") is entry


# --------------------------------------------------------------------------- chat


CHAT = [
    {"role": "system", "content": "You are {{ persona }}."},
    {"role": "placeholder", "name": "history"},
    {"role": "user", "content": "{{ question }}"},
]


async def test_chat_renders_messages_and_expands_placeholders(renderer: Renderer) -> None:
    history = [
        {"role": "user", "content": "hi {{ not_rendered }}"},
        {"role": "assistant", "content": "hello"},
    ]
    result = await renderer.render(
        chat(CHAT), {"persona": "terse", "history": history, "question": "why?"}, NO_INCLUDES
    )
    assert result.text is None
    assert result.messages == [
        {"role": "system", "content": "You are terse."},
        *history,
        {"role": "user", "content": "why?"},
    ]


@pytest.mark.parametrize(
    ("history", "loc", "code"),
    [
        (None, ["body", "variables", "history"], "missing_variable"),
        ("not a list", ["body", "variables", "history"], "invalid_placeholder"),
        ([{"role": "tool", "content": "x"}], ["body", "variables", "history", 0], "invalid_placeholder"),
        (
            [{"role": "user", "content": "ok"}, {"role": "user"}],
            ["body", "variables", "history", 1],
            "invalid_placeholder",
        ),
    ],
)
async def test_invalid_placeholder_values_are_422_naming_them(
    renderer: Renderer, history: Any, loc: list[Any], code: str
) -> None:
    variables = {"persona": "p", "question": "q"} | ({} if history is None else {"history": history})
    err = await render_error(renderer, chat(CHAT), variables)
    assert err.code == code
    assert err.errors is not None and err.errors[0]["loc"] == loc
    assert "history" in err.detail


@pytest.mark.parametrize(
    ("template", "loc"),
    [
        ("just a string", ["body", "template"]),
        ([], ["body", "template"]),
        ([{"role": "robot", "content": "x"}], ["body", "template", 0, "role"]),
        ([{"role": "user", "content": 3}], ["body", "template", 0, "content"]),
        ([{"role": "user", "content": "x", "extra": 1}], ["body", "template", 0, "content"]),
        ([{"role": "placeholder"}], ["body", "template", 0, "name"]),
        ([{"role": "placeholder", "name": "not valid"}], ["body", "template", 0, "name"]),
        (
            [{"role": "user", "content": "ok"}, {"role": "user", "content": "{{ x"}],
            ["body", "template", 1, "content"],
        ),
    ],
)
def test_check_template_rejects_bad_chat_templates(template: Any, loc: list[Any]) -> None:
    with pytest.raises(Unprocessable) as info:
        check_template("chat", template, RenderLimits())
    assert info.value.errors is not None and info.value.errors[0]["loc"] == loc


# --------------------------------------------------------------------------- check / infer / schema


def test_check_template_accepts_valid_templates() -> None:
    check_template("text", "Hi {{ name }} {{ prompt('footer') }}", RenderLimits())
    check_template("chat", CHAT, RenderLimits())


@pytest.mark.parametrize(
    ("template", "code", "line"),
    [
        ("a\nb\n{% for x in %}", "template_syntax", "Line 3"),
        ("{{ x", "template_syntax", "Line 1"),
        ("{% include 'other' %}", "invalid_include", "Line 1"),
        ("{% extends 'base' %}", "invalid_include", "Line 1"),
        ("{% import 'm' as m %}", "invalid_include", "Line 1"),
        ("\n{{ prompt(name) }}", "invalid_include", "Line 2"),
        ("{{ prompt('a', label='x', version=2) }}", "invalid_include", "Line 1"),
        ("{{ prompt('a', version='2') }}", "invalid_include", "Line 1"),
        ("{{ prompt('a', other=1) }}", "invalid_include", "Line 1"),
        ("{% set p = prompt %}{{ p('a') }}", "invalid_include", "Line 1"),
        ("{% for prompt in x %}{% endfor %}", "invalid_include", "Line 1"),
    ],
)
def test_check_template_names_the_problem(template: str, code: str, line: str) -> None:
    with pytest.raises(Unprocessable) as info:
        check_template("text", template, RenderLimits())
    assert info.value.code == code
    assert line in info.value.detail
    assert info.value.errors is not None and info.value.errors[0]["loc"] == ["body", "template"]


def test_infer_variables() -> None:
    template = (
        "{% set greeting = 'hi' %}{{ greeting }} {{ user.name }}{% for item in items %}{{ loop.index }}"
        "{{ item }}{% endfor %}{{ prompt('x') }}{{ range(3)|list }}{{ missing|default('') }}"
    )
    assert infer_variables("text", template) == ["items", "missing", "user"]
    assert infer_variables("chat", CHAT) == ["history", "persona", "question"]


def test_merge_declared_variables() -> None:
    assert merge_declared_variables(None, ["a", "b"]) == {"type": "object", "properties": {"a": {}, "b": {}}}
    declared = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
    assert merge_declared_variables(declared, ["a", "b"]) == {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {}},
        "required": ["a"],
    }
    merged = merge_declared_variables({"properties": {"x": {"type": "integer"}}}, [])
    assert merged == {"type": "object", "properties": {"x": {"type": "integer"}}}


@pytest.mark.parametrize(
    "schema", [{"type": "array"}, {"type": "object", "properties": {"a": {"type": 5}}}, []]
)
def test_merge_declared_variables_rejects_invalid_schemas(schema: Any) -> None:
    with pytest.raises(Unprocessable) as info:
        merge_declared_variables(schema, ["a"])
    assert info.value.code == "invalid_schema"
    assert info.value.errors is not None and info.value.errors[0]["loc"][:2] == ["body", "variables"]


def test_validate_variables_names_each_path() -> None:
    schema = {
        "type": "object",
        "properties": {
            "customer": {"type": "object", "properties": {"age": {"type": "integer"}}, "required": ["name"]},
            "tier": {"enum": ["gold", "silver"]},
        },
        "required": ["customer", "tier"],
    }
    validate_variables(schema, {"customer": {"name": "x", "age": 3}, "tier": "gold"})
    validate_variables(None, {"anything": 1})
    with pytest.raises(Unprocessable) as info:
        validate_variables(schema, {"customer": {"age": "old"}})
    locs = {tuple(e["loc"]): e["type"] for e in info.value.errors or []}
    assert locs == {
        ("body", "variables", "tier"): "missing_variable",
        ("body", "variables", "customer", "name"): "missing_variable",
        ("body", "variables", "customer", "age"): "invalid_variable",
    }
    assert info.value.code in {"missing_variable", "invalid_variable"}


# --------------------------------------------------------------------------- composition


async def test_include_renders_with_same_variables_and_default_label(renderer: Renderer) -> None:
    calls: list[Any] = []
    footer = text("-- {{ sender }}", name="footer", version=4)
    signature = text("[{{ prompt('footer') }}]", name="signature", version=2)
    loader = make_loader(footer, signature, calls=calls)
    source = text(
        "Hi {{ name }} {{ prompt('signature', label='staging') }} {{ prompt('footer', version=4) }}"
    )
    result = await renderer.render(source, {"name": "Ann", "sender": "Bob"}, loader)
    assert result.text == "Hi Ann [-- Bob] -- Bob"
    assert calls == [("signature", "staging", None), ("footer", "latest", None), ("footer", None, 4)]


async def test_include_missing_prompt_propagates_not_found(renderer: Renderer) -> None:
    with pytest.raises(NotFound):
        await renderer.render(text("{{ prompt('nope') }}"), {}, NO_INCLUDES)


async def test_include_with_non_constant_arguments_is_422(renderer: Renderer) -> None:
    err = await render_error(renderer, "{{ prompt(which) }}", {"which": "x"})
    assert err.code == "invalid_include"


async def test_include_cycle_is_422_naming_the_chain(renderer: Renderer) -> None:
    a = text("A {{ prompt('b') }}", name="a")
    b = text("B {{ prompt('a') }}", name="b")
    err = await render_error(renderer, a, {}, make_loader(a, b))
    assert err.code == "include_cycle"
    assert "a → b → a" in err.detail
    self_include = text("{{ prompt('s') }}", name="s")
    err = await render_error(renderer, self_include, {}, make_loader(self_include))
    assert "s → s" in err.detail


async def test_include_depth_over_five_is_422(renderer: Renderer) -> None:
    def chain(length: int) -> list[TemplateSource]:
        return [
            text(f"{i}{{{{ prompt('p{i + 1}') }}}}" if i < length else f"{i}", name=f"p{i}")
            for i in range(length + 1)
        ]

    ok = chain(5)  # p0 includes p1 ... p5: five levels of includes
    assert (await renderer.render(ok[0], {}, make_loader(*ok))).text == "012345"
    deep = chain(6)
    err = await render_error(renderer, deep[0], {}, make_loader(*deep))
    assert err.code == "include_depth"
    assert "p0 → p1 → p2 → p3 → p4 → p5 → p6" in err.detail


async def test_including_a_chat_prompt_is_422(renderer: Renderer) -> None:
    err = await render_error(renderer, "{{ prompt('c') }}", {}, make_loader(chat(CHAT)))
    assert err.code == "invalid_include"
    assert "chat" in err.detail


async def test_chat_messages_can_include_text_prompts(renderer: Renderer) -> None:
    rules = text("Rules for {{ persona }}.", name="rules")
    source = chat([{"role": "system", "content": "{{ prompt('rules') }}"}])
    result = await renderer.render(source, {"persona": "Ann"}, make_loader(rules))
    assert result.messages == [{"role": "system", "content": "Rules for Ann."}]


async def test_include_errors_are_reported_like_the_root(renderer: Renderer) -> None:
    broken = text("{{ ''.__class__ }}", name="broken")
    err = await render_error(renderer, "{{ prompt('broken') }}", {}, make_loader(broken))
    assert err.code == "template_security"
    needs = text("{{ secret }}", name="needs")
    err = await render_error(renderer, "{{ prompt('needs') }}", {}, make_loader(needs))
    assert err.code == "missing_variable" and "secret" in err.detail


# --------------------------------------------------------------------------- filter classes


def test_every_builtin_filter_is_classified_or_unavailable() -> None:
    """A filter a future Jinja adds must be classed (estimated, linear, passive) before templates get it."""
    from jinja2.defaults import DEFAULT_FILTERS

    from promptforge.prompts.rendering import filters
    from promptforge.prompts.rendering.sandbox import ENV

    classified = set(filters.ESTIMATED) | filters.LINEAR | filters.PASSIVE
    assert set(ENV.filters) == set(DEFAULT_FILTERS) & classified
    assert set(DEFAULT_FILTERS) - classified == {"pprint"}
    assert "lipsum" not in ENV.globals
