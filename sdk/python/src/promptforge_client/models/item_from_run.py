from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.item_from_run_metadata import ItemFromRunMetadata


T = TypeVar("T", bound="ItemFromRun")


@_attrs_define
class ItemFromRun:
    """
    Attributes:
        run_id (UUID):
        metadata (ItemFromRunMetadata | Unset): Free-form notes about the item
    """

    run_id: UUID
    metadata: ItemFromRunMetadata | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        run_id = str(self.run_id)

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "run_id": run_id,
            }
        )
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.item_from_run_metadata import ItemFromRunMetadata

        d = dict(src_dict)
        run_id = UUID(d.pop("run_id"))

        _metadata = d.pop("metadata", UNSET)
        metadata: ItemFromRunMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = ItemFromRunMetadata.from_dict(_metadata)

        item_from_run = cls(
            run_id=run_id,
            metadata=metadata,
        )

        item_from_run.additional_properties = d
        return item_from_run

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
