from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.provider_kind import ProviderKind

if TYPE_CHECKING:
    from ..models.provider_pricing import ProviderPricing


T = TypeVar("T", bound="Provider")


@_attrs_define
class Provider:
    """
    Attributes:
        id (UUID):
        project_id (UUID):
        name (str):
        kind (ProviderKind):
        label (str): How to show the kind, e.g. "echo (no model call)".
        base_url (None | str):
        api_key_last4 (None | str): The last 4 characters of the stored key, if any.
        default_model (None | str):
        models (list[str]):
        pricing (ProviderPricing):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    project_id: UUID
    name: str
    kind: ProviderKind
    label: str
    base_url: None | str
    api_key_last4: None | str
    default_model: None | str
    models: list[str]
    pricing: ProviderPricing
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        project_id = str(self.project_id)

        name = self.name

        kind = self.kind.value

        label = self.label

        base_url: None | str
        base_url = self.base_url

        api_key_last4: None | str
        api_key_last4 = self.api_key_last4

        default_model: None | str
        default_model = self.default_model

        models = self.models

        pricing = self.pricing.to_dict()

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "project_id": project_id,
                "name": name,
                "kind": kind,
                "label": label,
                "base_url": base_url,
                "api_key_last4": api_key_last4,
                "default_model": default_model,
                "models": models,
                "pricing": pricing,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.provider_pricing import ProviderPricing

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        project_id = UUID(d.pop("project_id"))

        name = d.pop("name")

        kind = ProviderKind(d.pop("kind"))

        label = d.pop("label")

        def _parse_base_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        base_url = _parse_base_url(d.pop("base_url"))

        def _parse_api_key_last4(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        api_key_last4 = _parse_api_key_last4(d.pop("api_key_last4"))

        def _parse_default_model(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        default_model = _parse_default_model(d.pop("default_model"))

        models = cast(list[str], d.pop("models"))

        pricing = ProviderPricing.from_dict(d.pop("pricing"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        provider = cls(
            id=id,
            project_id=project_id,
            name=name,
            kind=kind,
            label=label,
            base_url=base_url,
            api_key_last4=api_key_last4,
            default_model=default_model,
            models=models,
            pricing=pricing,
            created_at=created_at,
            updated_at=updated_at,
        )

        provider.additional_properties = d
        return provider

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
