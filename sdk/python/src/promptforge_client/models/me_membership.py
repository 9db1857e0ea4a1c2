from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.membership_workspace import MembershipWorkspace


T = TypeVar("T", bound="MeMembership")


@_attrs_define
class MeMembership:
    """
    Attributes:
        workspace (MembershipWorkspace):
        role (str):
    """

    workspace: MembershipWorkspace
    role: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        workspace = self.workspace.to_dict()

        role = self.role

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "workspace": workspace,
                "role": role,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.membership_workspace import MembershipWorkspace

        d = dict(src_dict)
        workspace = MembershipWorkspace.from_dict(d.pop("workspace"))

        role = d.pop("role")

        me_membership = cls(
            workspace=workspace,
            role=role,
        )

        me_membership.additional_properties = d
        return me_membership

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
