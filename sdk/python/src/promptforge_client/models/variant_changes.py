from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.variant_changes_changes import VariantChangesChanges


T = TypeVar("T", bound="VariantChanges")


@_attrs_define
class VariantChanges:
    """
    Attributes:
        variant (str):
        changes (VariantChangesChanges): Every summary figure: pass_rate, mean_score, results, passed, failed, errors,
            latency_p50_ms, latency_p95_ms, latency_mean_ms, input_tokens, output_tokens, cost_usd, grading_cost_usd
    """

    variant: str
    changes: VariantChangesChanges
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        variant = self.variant

        changes = self.changes.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "variant": variant,
                "changes": changes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.variant_changes_changes import VariantChangesChanges

        d = dict(src_dict)
        variant = d.pop("variant")

        changes = VariantChangesChanges.from_dict(d.pop("changes"))

        variant_changes = cls(
            variant=variant,
            changes=changes,
        )

        variant_changes.additional_properties = d
        return variant_changes

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
