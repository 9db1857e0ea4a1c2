from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.prompt_change_event_type import PromptChangeEventType
from ..types import UNSET, Unset

T = TypeVar("T", bound="PromptChangeEvent")


@_attrs_define
class PromptChangeEvent:
    """The `data:` of a `prompt.version.created`, `label.moved` or `label.removed` message.

    Attributes:
        type_ (PromptChangeEventType):
        prompt (str): The prompt's name
        version (int | None): The new version (created), the version the label points at now (moved), null (removed)
        etag (None | str): The ETag `resolve` answers now for this label (`latest` for a new version); null when resolve
            would answer 404 (label removed). Equal to yours: nothing to refetch.
        created_at (datetime.datetime):
        label (None | str | Unset): The label moved or removed (label events only)
        from_version (int | None | Unset): Label events: where the label pointed before
        to_version (int | None | Unset): Label events: where it points now (null: removed)
    """

    type_: PromptChangeEventType
    prompt: str
    version: int | None
    etag: None | str
    created_at: datetime.datetime
    label: None | str | Unset = UNSET
    from_version: int | None | Unset = UNSET
    to_version: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        prompt = self.prompt

        version: int | None
        version = self.version

        etag: None | str
        etag = self.etag

        created_at = self.created_at.isoformat()

        label: None | str | Unset
        if isinstance(self.label, Unset):
            label = UNSET
        else:
            label = self.label

        from_version: int | None | Unset
        if isinstance(self.from_version, Unset):
            from_version = UNSET
        else:
            from_version = self.from_version

        to_version: int | None | Unset
        if isinstance(self.to_version, Unset):
            to_version = UNSET
        else:
            to_version = self.to_version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "prompt": prompt,
                "version": version,
                "etag": etag,
                "created_at": created_at,
            }
        )
        if label is not UNSET:
            field_dict["label"] = label
        if from_version is not UNSET:
            field_dict["from_version"] = from_version
        if to_version is not UNSET:
            field_dict["to_version"] = to_version

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        type_ = PromptChangeEventType(d.pop("type"))

        prompt = d.pop("prompt")

        def _parse_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        version = _parse_version(d.pop("version"))

        def _parse_etag(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        etag = _parse_etag(d.pop("etag"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_label(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        label = _parse_label(d.pop("label", UNSET))

        def _parse_from_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        from_version = _parse_from_version(d.pop("from_version", UNSET))

        def _parse_to_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        to_version = _parse_to_version(d.pop("to_version", UNSET))

        prompt_change_event = cls(
            type_=type_,
            prompt=prompt,
            version=version,
            etag=etag,
            created_at=created_at,
            label=label,
            from_version=from_version,
            to_version=to_version,
        )

        prompt_change_event.additional_properties = d
        return prompt_change_event

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
