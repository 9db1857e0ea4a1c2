"""Map a read promptfoo config (promptfoo_config.Suite) onto a project: names, connections, bodies.

Pure: the project's provider connections come in as data (`runs-list-providers`), and the result
is what `pf eval run --promptfoo` sends — the prompts to push, the dataset items, and the
evaluation body whose variants get their prompt versions once the prompts are pushed.

promptfoo runs every prompt on every provider; here each (prompt, provider) pair is a variant.
Tests become dataset items: `vars` (with `defaultTest.vars` under them) are the input, a CSV's
`__expected` stays `expected` (the server reads promptfoo's shorthand), a test's own `assert` and
`threshold` go to `metadata.assert` / `metadata.threshold`; `defaultTest.assert` are the
evaluation's assertions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .assertions import ASSERT_SET, MODEL_GRADED, base_type
from .config import ProviderSpec, Suite, parse_provider_id

MAX_VARIANTS = 8
VARIANT_NAME_LENGTH = 100
OPENAI_FAMILY = frozenset({"openai", "openai_compatible"})
DEFAULT_EMBEDDING_MODEL = "text-embedding-3-large"  # promptfoo's default for `similar`


@dataclass(frozen=True)
class Connection:
    """A provider connection of the project as `runs-list-providers` shows it."""

    id: str
    name: str
    kind: str
    default_model: str | None
    models: tuple[str, ...] = ()


@dataclass
class PlannedPrompt:
    name: str
    kind: str
    template: Any
    label: str  # promptfoo's label, shown in reports


@dataclass
class PlannedVariant:
    name: str
    prompt: str  # our prompt name
    provider_id: str
    model: str | None
    params: dict[str, Any]


@dataclass
class Plan:
    prompts: list[PlannedPrompt]
    dataset: str
    items: list[dict[str, Any]]
    test_labels: list[str]  # one per item: the description, else the vars, as promptfoo shows a test
    variants: list[PlannedVariant]
    assertions: list[dict[str, Any]]
    grader: dict[str, str] | None
    name: str
    concurrency: int | None
    notes: list[str] = field(default_factory=list)

    def evaluation_body(self, versions: dict[str, int], pass_threshold: float | None) -> dict[str, Any]:
        """The evaluations-create body once the prompts are pushed (`versions`: prompt name → number)."""
        body: dict[str, Any] = {
            "name": self.name,
            "dataset": {"name": self.dataset},
            "variants": [
                {
                    "name": v.name,
                    "prompt": {"name": v.prompt, "version": versions[v.prompt]},
                    "provider_id": v.provider_id,
                    **({"model": v.model} if v.model else {}),
                    "params": v.params,
                }
                for v in self.variants
            ],
            "assertions": self.assertions,
        }
        if self.grader is not None:
            body["grader"] = self.grader
        if self.concurrency is not None:
            body["concurrency"] = self.concurrency
        if pass_threshold is not None:
            body["pass_threshold"] = pass_threshold
        return body


class PlanError(ValueError):
    """The config cannot be mapped onto the project (no connection for a provider, too many variants)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def slug(text: str, fallback: str) -> str:
    """A prompt/dataset name (`[a-z0-9][a-z0-9._-]{0,127}`) from free text."""
    name = re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-._")[:100].strip("-._")
    return name or fallback


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate = f"{name}-{n}"
        n += 1
    taken.add(candidate)
    return candidate


def _kinds(family: str) -> frozenset[str]:
    return OPENAI_FAMILY if family == "openai" else frozenset({family})


def _pick_connection(
    family: str, model: str | None, connections: list[Connection], override: str | None, what: str
) -> Connection:
    """The connection serving a provider: `--provider` (id or name), else the one with that model.

    By model: a connection of the right kind whose default model or model list has it; when no
    connection lists the model but exactly one of that kind exists, that one (it may still serve it).
    """
    if override is not None:
        for conn in connections:
            if override in (conn.id, conn.name):
                return conn
        raise PlanError([f"--provider {override}: no provider connection of the project has that id or name"])
    kinds = _kinds(family)
    same_kind = [c for c in connections if c.kind in kinds]
    if model is not None:
        by_default = [c for c in same_kind if c.default_model == model]
        candidates = by_default or [c for c in same_kind if model in c.models]
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            names = ", ".join(c.name for c in candidates)
            raise PlanError(
                [f"{what}: several connections serve {model} ({names}); choose one with --provider"]
            )
    if len(same_kind) == 1:
        return same_kind[0]
    available = ", ".join(f"{c.name} ({c.kind})" for c in connections) or "none"
    raise PlanError(
        [
            f"{what}: no {family} connection of the project serves {model or 'it'} "
            f"(connections: {available}); choose one with --provider"
        ]
    )


def _model_ref(
    ref: Any,
    connections: list[Connection],
    override: str | None,
    where: str,
    default_model: str | None = None,
) -> dict[str, str]:
    """A promptfoo provider reference of a judge or embedder → {provider_id, model}."""
    if isinstance(ref, dict):
        ref = ref.get("id")
    if not isinstance(ref, str):
        raise PlanError(
            [f"{where}: a grading provider is a promptfoo provider id such as openai:gpt-4o-mini"]
        )
    embedding = re.match(r"^openai:embeddings?:(.+)$", ref)
    family, model = ("openai", embedding.group(1)) if embedding else parse_provider_id(ref)
    if family is None:
        raise PlanError([f"{where}: provider `{ref}` is not supported"])
    conn = _pick_connection(family, model, connections, override, where)
    chosen = model or default_model or conn.default_model
    if not chosen:
        raise PlanError([f"{where}: no model for {ref}"])
    return {"provider_id": conn.id, "model": chosen}


class _AssertionMapper:
    """Fills the `provider` of model-graded assertions: theirs, else the grader, else the first variant."""

    def __init__(
        self,
        connections: list[Connection],
        override: str | None,
        grader: dict[str, str] | None,
        first: dict[str, str],
    ) -> None:
        self.connections = connections
        self.override = override
        self.grader = grader
        self.first = first

    def map(self, raw: dict[str, Any], where: str) -> dict[str, Any]:
        out = dict(raw)
        if raw["type"] == ASSERT_SET:
            out["assert"] = [
                self.map(c, f"{where}.assert[{j}]") for j, c in enumerate(raw.get("assert") or [])
            ]
            return out
        base = base_type(raw["type"])
        if base not in MODEL_GRADED:
            return out
        embedding = base == "similar"
        if "provider" in raw:
            default = DEFAULT_EMBEDDING_MODEL if embedding else None
            out["provider"] = _model_ref(raw["provider"], self.connections, self.override, where, default)
        elif embedding:
            out["provider"] = {
                "provider_id": (self.grader or self.first)["provider_id"],
                "model": DEFAULT_EMBEDDING_MODEL,
            }
        else:
            out["provider"] = dict(self.grader or self.first)
        return out


def _variant_name(prompt: str, provider: ProviderSpec, single_provider: bool, taken: set[str]) -> str:
    name = prompt if single_provider else f"{prompt} [{provider.label}]"
    return _unique(name[:VARIANT_NAME_LENGTH], taken)


def _prompt_names(suite: Suite, base: str) -> list[str]:
    """A prompt's name: its promptfoo label or file stem as a slug, else `<base>-prompt-<n>`."""
    taken: set[str] = set()
    return [
        _unique(slug(prompt.name_hint or "", "") or f"{base}-prompt-{i}", taken)
        for i, prompt in enumerate(suite.prompts, start=1)
    ]


def _test_label(description: str | None, test_vars: dict[str, Any]) -> str:
    if description:
        return description
    shown = ", ".join(f"{k}={v!r}" if not isinstance(v, str) else f"{k}={v}" for k, v in test_vars.items())
    return shown[:120] or "(no vars)"


def build_plan(
    suite: Suite,
    connections: list[Connection],
    *,
    provider_override: str | None = None,
    model_override: str | None = None,
    dataset: str | None = None,
    name: str | None = None,
    concurrency: int | None = None,
) -> Plan:
    """Everything `pf eval run --promptfoo` creates; PlanError lists what cannot be mapped."""
    base = slug(suite.description or suite.path.parent.resolve().name, "promptfoo")
    problems: list[str] = []
    variants_needed = len(suite.prompts) * len(suite.providers)
    if variants_needed > MAX_VARIANTS:
        problems.append(
            f"{len(suite.prompts)} prompts x {len(suite.providers)} providers = {variants_needed} variants; "
            f"an evaluation runs at most {MAX_VARIANTS}"
        )
    if not suite.tests:
        problems.append("tests: the config has no tests (the evaluation needs at least one dataset item)")
    resolved: list[tuple[ProviderSpec, Connection]] = []
    for i, provider in enumerate(suite.providers):
        assert provider.family is not None
        try:
            resolved.append(
                (
                    provider,
                    _pick_connection(
                        provider.family,
                        provider.model,
                        connections,
                        provider_override,
                        f"providers[{i}] {provider.id}",
                    ),
                )
            )
        except PlanError as exc:
            problems.extend(exc.problems)
    grader: dict[str, str] | None = None
    if suite.grader is not None:
        try:
            grader = _model_ref(suite.grader, connections, provider_override, "defaultTest.options.provider")
        except PlanError as exc:
            problems.extend(exc.problems)
    if problems:
        raise PlanError(problems)

    prompt_names = _prompt_names(suite, base)
    prompts = [
        PlannedPrompt(n, p.kind, p.template, p.label or n)
        for n, p in zip(prompt_names, suite.prompts, strict=True)
    ]
    taken: set[str] = set()
    variants = []
    for prompt in prompts:
        for provider, conn in resolved:
            model = model_override or provider.model or conn.default_model
            variants.append(
                PlannedVariant(
                    _variant_name(prompt.name, provider, len(resolved) == 1, taken),
                    prompt.name,
                    conn.id,
                    model,
                    dict(provider.params),
                )
            )
    first = {"provider_id": variants[0].provider_id, "model": variants[0].model or ""}
    mapper = _AssertionMapper(connections, provider_override, grader, first)
    try:
        assertions = [mapper.map(a, f"defaultTest.assert[{j}]") for j, a in enumerate(suite.default_asserts)]
        items, labels = [], []
        for n, case in enumerate(suite.tests):
            metadata = {**suite.default_metadata, **case.metadata}
            if case.description:
                metadata["description"] = case.description
            threshold = case.threshold if case.threshold is not None else suite.default_threshold
            if threshold is not None:
                metadata["threshold"] = threshold
            if case.asserts:
                metadata["assert"] = [
                    mapper.map(a, f"test {n + 1}.assert[{j}]") for j, a in enumerate(case.asserts)
                ]
            item: dict[str, Any] = {"input": {**suite.default_vars, **case.vars}, "metadata": metadata}
            if case.expected is not None:
                item["expected"] = case.expected
            items.append(item)
            labels.append(_test_label(case.description, item["input"]))
    except PlanError as exc:
        raise PlanError(exc.problems) from None
    return Plan(
        prompts=prompts,
        dataset=dataset or f"{base}-tests",
        items=items,
        test_labels=labels,
        variants=variants,
        assertions=assertions,
        grader=grader,
        name=name or suite.description or base,
        concurrency=concurrency if concurrency is not None else suite.concurrency,
        notes=list(suite.notes),
    )
