from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.result_status import ResultStatus

if TYPE_CHECKING:
    from ..models.result_assertion import ResultAssertion
    from ..models.result_error_type_0 import ResultErrorType0
    from ..models.result_input import ResultInput
    from ..models.result_tokens import ResultTokens


T = TypeVar("T", bound="Result")


@_attrs_define
class Result:
    """
    Attributes:
        item_id (UUID):
        variant (str):
        input_ (ResultInput):
        expected (Any | None):
        output (None | str):
        status (ResultStatus):
        passed (bool):
        score (float | None):
        assertions (list[ResultAssertion]):
        latency_ms (int | None):
        tokens (ResultTokens):
        cost_usd (float | None):
        grading_cost_usd (float | None):
        error (None | ResultErrorType0):
    """

    item_id: UUID
    variant: str
    input_: ResultInput
    expected: Any | None
    output: None | str
    status: ResultStatus
    passed: bool
    score: float | None
    assertions: list[ResultAssertion]
    latency_ms: int | None
    tokens: ResultTokens
    cost_usd: float | None
    grading_cost_usd: float | None
    error: None | ResultErrorType0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.result_error_type_0 import ResultErrorType0

        item_id = str(self.item_id)

        variant = self.variant

        input_ = self.input_.to_dict()

        expected: Any | None
        expected = self.expected

        output: None | str
        output = self.output

        status = self.status.value

        passed = self.passed

        score: float | None
        score = self.score

        assertions = []
        for assertions_item_data in self.assertions:
            assertions_item = assertions_item_data.to_dict()
            assertions.append(assertions_item)

        latency_ms: int | None
        latency_ms = self.latency_ms

        tokens = self.tokens.to_dict()

        cost_usd: float | None
        cost_usd = self.cost_usd

        grading_cost_usd: float | None
        grading_cost_usd = self.grading_cost_usd

        error: dict[str, Any] | None
        if isinstance(self.error, ResultErrorType0):
            error = self.error.to_dict()
        else:
            error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "item_id": item_id,
                "variant": variant,
                "input": input_,
                "expected": expected,
                "output": output,
                "status": status,
                "passed": passed,
                "score": score,
                "assertions": assertions,
                "latency_ms": latency_ms,
                "tokens": tokens,
                "cost_usd": cost_usd,
                "grading_cost_usd": grading_cost_usd,
                "error": error,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.result_assertion import ResultAssertion
        from ..models.result_error_type_0 import ResultErrorType0
        from ..models.result_input import ResultInput
        from ..models.result_tokens import ResultTokens

        d = dict(src_dict)
        item_id = UUID(d.pop("item_id"))

        variant = d.pop("variant")

        input_ = ResultInput.from_dict(d.pop("input"))

        def _parse_expected(data: object) -> Any | None:
            if data is None:
                return data
            return cast(Any | None, data)

        expected = _parse_expected(d.pop("expected"))

        def _parse_output(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        output = _parse_output(d.pop("output"))

        status = ResultStatus(d.pop("status"))

        passed = d.pop("passed")

        def _parse_score(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        score = _parse_score(d.pop("score"))

        assertions = []
        _assertions = d.pop("assertions")
        for assertions_item_data in _assertions:
            assertions_item = ResultAssertion.from_dict(assertions_item_data)

            assertions.append(assertions_item)

        def _parse_latency_ms(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        latency_ms = _parse_latency_ms(d.pop("latency_ms"))

        tokens = ResultTokens.from_dict(d.pop("tokens"))

        def _parse_cost_usd(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        cost_usd = _parse_cost_usd(d.pop("cost_usd"))

        def _parse_grading_cost_usd(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        grading_cost_usd = _parse_grading_cost_usd(d.pop("grading_cost_usd"))

        def _parse_error(data: object) -> None | ResultErrorType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = ResultErrorType0.from_dict(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ResultErrorType0, data)

        error = _parse_error(d.pop("error"))

        result = cls(
            item_id=item_id,
            variant=variant,
            input_=input_,
            expected=expected,
            output=output,
            status=status,
            passed=passed,
            score=score,
            assertions=assertions,
            latency_ms=latency_ms,
            tokens=tokens,
            cost_usd=cost_usd,
            grading_cost_usd=grading_cost_usd,
            error=error,
        )

        result.additional_properties = d
        return result

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
