from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LabelEvent")


@_attrs_define
class LabelEvent:
    """
    Attributes:
        id (UUID):
        label (str):
        from_version (int | None):
        to_version (int | None):
        actor_label (str):
        created_at (datetime.datetime):
    """

    id: UUID
    label: str
    from_version: int | None
    to_version: int | None
    actor_label: str
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        label = self.label

        from_version: int | None
        from_version = self.from_version

        to_version: int | None
        to_version = self.to_version

        actor_label = self.actor_label

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "label": label,
                "from_version": from_version,
                "to_version": to_version,
                "actor_label": actor_label,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        label = d.pop("label")

        def _parse_from_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        from_version = _parse_from_version(d.pop("from_version"))

        def _parse_to_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        to_version = _parse_to_version(d.pop("to_version"))

        actor_label = d.pop("actor_label")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        label_event = cls(
            id=id,
            label=label,
            from_version=from_version,
            to_version=to_version,
            actor_label=actor_label,
            created_at=created_at,
        )

        label_event.additional_properties = d
        return label_event

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
