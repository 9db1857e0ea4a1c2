from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.dataset_item_input import DatasetItemInput
    from ..models.dataset_item_metadata import DatasetItemMetadata


T = TypeVar("T", bound="DatasetItem")


@_attrs_define
class DatasetItem:
    """
    Attributes:
        id (UUID): The item's stable id (the same across its revisions)
        input_ (DatasetItemInput):
        expected (Any):
        metadata (DatasetItemMetadata):
        version (int): The dataset version at which this revision of the item appeared
        source_run_id (None | UUID): The playground run it was copied from
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    input_: DatasetItemInput
    expected: Any
    metadata: DatasetItemMetadata
    version: int
    source_run_id: None | UUID
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        input_ = self.input_.to_dict()

        expected = self.expected

        metadata = self.metadata.to_dict()

        version = self.version

        source_run_id: None | str
        if isinstance(self.source_run_id, UUID):
            source_run_id = str(self.source_run_id)
        else:
            source_run_id = self.source_run_id

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "input": input_,
                "expected": expected,
                "metadata": metadata,
                "version": version,
                "source_run_id": source_run_id,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.dataset_item_input import DatasetItemInput
        from ..models.dataset_item_metadata import DatasetItemMetadata

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        input_ = DatasetItemInput.from_dict(d.pop("input"))

        expected = d.pop("expected")

        metadata = DatasetItemMetadata.from_dict(d.pop("metadata"))

        version = d.pop("version")

        def _parse_source_run_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                source_run_id_type_0 = UUID(data)

                return source_run_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        source_run_id = _parse_source_run_id(d.pop("source_run_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        dataset_item = cls(
            id=id,
            input_=input_,
            expected=expected,
            metadata=metadata,
            version=version,
            source_run_id=source_run_id,
            created_at=created_at,
            updated_at=updated_at,
        )

        dataset_item.additional_properties = d
        return dataset_item

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
