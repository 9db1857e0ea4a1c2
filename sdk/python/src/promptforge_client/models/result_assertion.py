from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ResultAssertion")


@_attrs_define
class ResultAssertion:
    """
    Attributes:
        type_ (str):
        passed (bool):
        score (float):
        reason (str):
        metric (None | str | Unset):
        weight (float | Unset):  Default: 1.0.
        error (bool | Unset):  Default: False.
    """

    type_: str
    passed: bool
    score: float
    reason: str
    metric: None | str | Unset = UNSET
    weight: float | Unset = 1.0
    error: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        passed = self.passed

        score = self.score

        reason = self.reason

        metric: None | str | Unset
        if isinstance(self.metric, Unset):
            metric = UNSET
        else:
            metric = self.metric

        weight = self.weight

        error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "passed": passed,
                "score": score,
                "reason": reason,
            }
        )
        if metric is not UNSET:
            field_dict["metric"] = metric
        if weight is not UNSET:
            field_dict["weight"] = weight
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        type_ = d.pop("type")

        passed = d.pop("passed")

        score = d.pop("score")

        reason = d.pop("reason")

        def _parse_metric(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        metric = _parse_metric(d.pop("metric", UNSET))

        weight = d.pop("weight", UNSET)

        error = d.pop("error", UNSET)

        result_assertion = cls(
            type_=type_,
            passed=passed,
            score=score,
            reason=reason,
            metric=metric,
            weight=weight,
            error=error,
        )

        result_assertion.additional_properties = d
        return result_assertion

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
