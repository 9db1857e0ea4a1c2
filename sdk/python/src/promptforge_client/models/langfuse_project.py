from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.langfuse_organization import LangfuseOrganization
    from ..models.langfuse_project_metadata import LangfuseProjectMetadata


T = TypeVar("T", bound="LangfuseProject")


@_attrs_define
class LangfuseProject:
    """
    Attributes:
        id (str):
        name (str):
        organization (LangfuseOrganization):
        metadata (LangfuseProjectMetadata):
    """

    id: str
    name: str
    organization: LangfuseOrganization
    metadata: LangfuseProjectMetadata
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        organization = self.organization.to_dict()

        metadata = self.metadata.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "organization": organization,
                "metadata": metadata,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.langfuse_organization import LangfuseOrganization
        from ..models.langfuse_project_metadata import LangfuseProjectMetadata

        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        organization = LangfuseOrganization.from_dict(d.pop("organization"))

        metadata = LangfuseProjectMetadata.from_dict(d.pop("metadata"))

        langfuse_project = cls(
            id=id,
            name=name,
            organization=organization,
            metadata=metadata,
        )

        langfuse_project.additional_properties = d
        return langfuse_project

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
