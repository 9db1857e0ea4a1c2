from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.item_create_input import ItemCreateInput
    from ..models.item_create_metadata import ItemCreateMetadata


T = TypeVar("T", bound="ItemCreate")


@_attrs_define
class ItemCreate:
    """
    Attributes:
        input_ (ItemCreateInput): Variables of the prompt: name → any JSON value
        expected (Any | Unset): Expected output: any JSON (a string, an object, ...)
        metadata (ItemCreateMetadata | Unset): Free-form notes about the item
    """

    input_: ItemCreateInput
    expected: Any | Unset = UNSET
    metadata: ItemCreateMetadata | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        input_ = self.input_.to_dict()

        expected = self.expected

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "input": input_,
            }
        )
        if expected is not UNSET:
            field_dict["expected"] = expected
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.item_create_input import ItemCreateInput
        from ..models.item_create_metadata import ItemCreateMetadata

        d = dict(src_dict)
        input_ = ItemCreateInput.from_dict(d.pop("input"))

        expected = d.pop("expected", UNSET)

        _metadata = d.pop("metadata", UNSET)
        metadata: ItemCreateMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = ItemCreateMetadata.from_dict(_metadata)

        item_create = cls(
            input_=input_,
            expected=expected,
            metadata=metadata,
        )

        item_create.additional_properties = d
        return item_create

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
