from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.exported_prompt_kind import ExportedPromptKind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.exported_prompt_labels import ExportedPromptLabels
    from ..models.exported_version import ExportedVersion


T = TypeVar("T", bound="ExportedPrompt")


@_attrs_define
class ExportedPrompt:
    """
    Attributes:
        name (str):
        kind (ExportedPromptKind):
        versions (list[ExportedVersion]):
        description (str | Unset):  Default: ''.
        tags (list[str] | Unset):
        labels (ExportedPromptLabels | Unset):
    """

    name: str
    kind: ExportedPromptKind
    versions: list[ExportedVersion]
    description: str | Unset = ""
    tags: list[str] | Unset = UNSET
    labels: ExportedPromptLabels | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        kind = self.kind.value

        versions = []
        for versions_item_data in self.versions:
            versions_item = versions_item_data.to_dict()
            versions.append(versions_item)

        description = self.description

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        labels: dict[str, Any] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "kind": kind,
                "versions": versions,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if tags is not UNSET:
            field_dict["tags"] = tags
        if labels is not UNSET:
            field_dict["labels"] = labels

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.exported_prompt_labels import ExportedPromptLabels
        from ..models.exported_version import ExportedVersion

        d = dict(src_dict)
        name = d.pop("name")

        kind = ExportedPromptKind(d.pop("kind"))

        versions = []
        _versions = d.pop("versions")
        for versions_item_data in _versions:
            versions_item = ExportedVersion.from_dict(versions_item_data)

            versions.append(versions_item)

        description = d.pop("description", UNSET)

        tags = cast(list[str], d.pop("tags", UNSET))

        _labels = d.pop("labels", UNSET)
        labels: ExportedPromptLabels | Unset
        if isinstance(_labels, Unset):
            labels = UNSET
        else:
            labels = ExportedPromptLabels.from_dict(_labels)

        exported_prompt = cls(
            name=name,
            kind=kind,
            versions=versions,
            description=description,
            tags=tags,
            labels=labels,
        )

        exported_prompt.additional_properties = d
        return exported_prompt

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
