from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="GatewayModel")


@_attrs_define
class GatewayModel:
    """One entry of the model list: a prompt at a label.

    Attributes:
        id (str): `prompt:<name>@<label>`
        created (int): Unix time the label last moved
        owned_by (str): The project's slug
        object_ (Literal['model'] | Unset):  Default: 'model'.
    """

    id: str
    created: int
    owned_by: str
    object_: Literal["model"] | Unset = "model"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        created = self.created

        owned_by = self.owned_by

        object_ = self.object_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "created": created,
                "owned_by": owned_by,
            }
        )
        if object_ is not UNSET:
            field_dict["object"] = object_

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        created = d.pop("created")

        owned_by = d.pop("owned_by")

        object_ = cast(Literal["model"] | Unset, d.pop("object", UNSET))
        if object_ != "model" and not isinstance(object_, Unset):
            raise ValueError(f"object must match const 'model', got '{object_}'")

        gateway_model = cls(
            id=id,
            created=created,
            owned_by=owned_by,
            object_=object_,
        )

        gateway_model.additional_properties = d
        return gateway_model

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
