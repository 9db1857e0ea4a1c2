from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CompareCounts")


@_attrs_define
class CompareCounts:
    """
    Attributes:
        regressions (int): Cells that passed in `against` and do not pass now
        fixes (int): Cells that did not pass in `against` and pass now
        unchanged (int): Matched cells whose passing did not change
        unmatched (int): Cells of either evaluation without a counterpart (item id + variant)
    """

    regressions: int
    fixes: int
    unchanged: int
    unmatched: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        regressions = self.regressions

        fixes = self.fixes

        unchanged = self.unchanged

        unmatched = self.unmatched

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "regressions": regressions,
                "fixes": fixes,
                "unchanged": unchanged,
                "unmatched": unmatched,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        regressions = d.pop("regressions")

        fixes = d.pop("fixes")

        unchanged = d.pop("unchanged")

        unmatched = d.pop("unmatched")

        compare_counts = cls(
            regressions=regressions,
            fixes=fixes,
            unchanged=unchanged,
            unmatched=unmatched,
        )

        compare_counts.additional_properties = d
        return compare_counts

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
