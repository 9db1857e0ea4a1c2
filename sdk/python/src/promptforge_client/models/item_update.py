from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.item_update_input_type_0 import ItemUpdateInputType0
    from ..models.item_update_metadata_type_0 import ItemUpdateMetadataType0


T = TypeVar("T", bound="ItemUpdate")


@_attrs_define
class ItemUpdate:
    """Fields to replace; an absent field keeps its value, `expected: null` clears it.

    Attributes:
        input_ (ItemUpdateInputType0 | None | Unset):
        expected (Any | Unset):
        metadata (ItemUpdateMetadataType0 | None | Unset):
    """

    input_: ItemUpdateInputType0 | None | Unset = UNSET
    expected: Any | Unset = UNSET
    metadata: ItemUpdateMetadataType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.item_update_input_type_0 import ItemUpdateInputType0
        from ..models.item_update_metadata_type_0 import ItemUpdateMetadataType0

        input_: dict[str, Any] | None | Unset
        if isinstance(self.input_, Unset):
            input_ = UNSET
        elif isinstance(self.input_, ItemUpdateInputType0):
            input_ = self.input_.to_dict()
        else:
            input_ = self.input_

        expected = self.expected

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, ItemUpdateMetadataType0):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if input_ is not UNSET:
            field_dict["input"] = input_
        if expected is not UNSET:
            field_dict["expected"] = expected
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.item_update_input_type_0 import ItemUpdateInputType0
        from ..models.item_update_metadata_type_0 import ItemUpdateMetadataType0

        d = dict(src_dict)

        def _parse_input_(data: object) -> ItemUpdateInputType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                input_type_0 = ItemUpdateInputType0.from_dict(data)

                return input_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ItemUpdateInputType0 | None | Unset, data)

        input_ = _parse_input_(d.pop("input", UNSET))

        expected = d.pop("expected", UNSET)

        def _parse_metadata(data: object) -> ItemUpdateMetadataType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metadata_type_0 = ItemUpdateMetadataType0.from_dict(data)

                return metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ItemUpdateMetadataType0 | None | Unset, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))

        item_update = cls(
            input_=input_,
            expected=expected,
            metadata=metadata,
        )

        item_update.additional_properties = d
        return item_update

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
