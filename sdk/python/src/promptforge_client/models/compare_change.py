from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.compare_change_input import CompareChangeInput
    from ..models.compare_side import CompareSide
    from ..models.failed_assertion import FailedAssertion


T = TypeVar("T", bound="CompareChange")


@_attrs_define
class CompareChange:
    """
    Attributes:
        item_id (UUID):
        variant (str):
        input_ (CompareChangeInput):
        before (CompareSide):
        after (CompareSide):
        failed_assertions (list[FailedAssertion]): What did not pass now
    """

    item_id: UUID
    variant: str
    input_: CompareChangeInput
    before: CompareSide
    after: CompareSide
    failed_assertions: list[FailedAssertion]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        item_id = str(self.item_id)

        variant = self.variant

        input_ = self.input_.to_dict()

        before = self.before.to_dict()

        after = self.after.to_dict()

        failed_assertions = []
        for failed_assertions_item_data in self.failed_assertions:
            failed_assertions_item = failed_assertions_item_data.to_dict()
            failed_assertions.append(failed_assertions_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "item_id": item_id,
                "variant": variant,
                "input": input_,
                "before": before,
                "after": after,
                "failed_assertions": failed_assertions,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.compare_change_input import CompareChangeInput
        from ..models.compare_side import CompareSide
        from ..models.failed_assertion import FailedAssertion

        d = dict(src_dict)
        item_id = UUID(d.pop("item_id"))

        variant = d.pop("variant")

        input_ = CompareChangeInput.from_dict(d.pop("input"))

        before = CompareSide.from_dict(d.pop("before"))

        after = CompareSide.from_dict(d.pop("after"))

        failed_assertions = []
        _failed_assertions = d.pop("failed_assertions")
        for failed_assertions_item_data in _failed_assertions:
            failed_assertions_item = FailedAssertion.from_dict(failed_assertions_item_data)

            failed_assertions.append(failed_assertions_item)

        compare_change = cls(
            item_id=item_id,
            variant=variant,
            input_=input_,
            before=before,
            after=after,
            failed_assertions=failed_assertions,
        )

        compare_change.additional_properties = d
        return compare_change

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
