from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.run_provider_kind import RunProviderKind

T = TypeVar("T", bound="RunProvider")


@_attrs_define
class RunProvider:
    """A provider as members see it when they pick one for a run (no URL, no key).

    Attributes:
        id (UUID):
        name (str):
        kind (RunProviderKind):
        label (str):
        default_model (None | str):
        models (list[str]):
    """

    id: UUID
    name: str
    kind: RunProviderKind
    label: str
    default_model: None | str
    models: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        kind = self.kind.value

        label = self.label

        default_model: None | str
        default_model = self.default_model

        models = self.models

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "kind": kind,
                "label": label,
                "default_model": default_model,
                "models": models,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        name = d.pop("name")

        kind = RunProviderKind(d.pop("kind"))

        label = d.pop("label")

        def _parse_default_model(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        default_model = _parse_default_model(d.pop("default_model"))

        models = cast(list[str], d.pop("models"))

        run_provider = cls(
            id=id,
            name=name,
            kind=kind,
            label=label,
            default_model=default_model,
            models=models,
        )

        run_provider.additional_properties = d
        return run_provider

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
