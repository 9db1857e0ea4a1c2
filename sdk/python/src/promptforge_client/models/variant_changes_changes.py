from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.figure_change import FigureChange


T = TypeVar("T", bound="VariantChangesChanges")


@_attrs_define
class VariantChangesChanges:
    """Every summary figure: pass_rate, mean_score, results, passed, failed, errors, latency_p50_ms, latency_p95_ms,
    latency_mean_ms, input_tokens, output_tokens, cost_usd, grading_cost_usd

    """

    additional_properties: dict[str, FigureChange] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            field_dict[prop_name] = prop.to_dict()

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.figure_change import FigureChange

        d = dict(src_dict)
        variant_changes_changes = cls()

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional_property = FigureChange.from_dict(prop_dict)

            additional_properties[prop_name] = additional_property

        variant_changes_changes.additional_properties = additional_properties
        return variant_changes_changes

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> FigureChange:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: FigureChange) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
