from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="EvaluationRule")


@_attrs_define
class EvaluationRule:
    """A completed evaluation of the target version on this dataset, at least this good, this recent.

    Attributes:
        dataset (str): Dataset name in the project
        min_pass_rate (float): Least pass rate of the variant (0..1)
        dataset_version (int | None | Unset): Pinned dataset version (null: its current version)
        max_age_hours (int | None | Unset): The evaluation finished at most this long ago
    """

    dataset: str
    min_pass_rate: float
    dataset_version: int | None | Unset = UNSET
    max_age_hours: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        dataset = self.dataset

        min_pass_rate = self.min_pass_rate

        dataset_version: int | None | Unset
        if isinstance(self.dataset_version, Unset):
            dataset_version = UNSET
        else:
            dataset_version = self.dataset_version

        max_age_hours: int | None | Unset
        if isinstance(self.max_age_hours, Unset):
            max_age_hours = UNSET
        else:
            max_age_hours = self.max_age_hours

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "dataset": dataset,
                "min_pass_rate": min_pass_rate,
            }
        )
        if dataset_version is not UNSET:
            field_dict["dataset_version"] = dataset_version
        if max_age_hours is not UNSET:
            field_dict["max_age_hours"] = max_age_hours

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        dataset = d.pop("dataset")

        min_pass_rate = d.pop("min_pass_rate")

        def _parse_dataset_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        dataset_version = _parse_dataset_version(d.pop("dataset_version", UNSET))

        def _parse_max_age_hours(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_age_hours = _parse_max_age_hours(d.pop("max_age_hours", UNSET))

        evaluation_rule = cls(
            dataset=dataset,
            min_pass_rate=min_pass_rate,
            dataset_version=dataset_version,
            max_age_hours=max_age_hours,
        )

        evaluation_rule.additional_properties = d
        return evaluation_rule

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
