from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.deploy_policy_update_labels import DeployPolicyUpdateLabels


T = TypeVar("T", bound="DeployPolicyUpdate")


@_attrs_define
class DeployPolicyUpdate:
    """
    Attributes:
        labels (DeployPolicyUpdateLabels | Unset): Gate per label (at most 20)
    """

    labels: DeployPolicyUpdateLabels | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        labels: dict[str, Any] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if labels is not UNSET:
            field_dict["labels"] = labels

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.deploy_policy_update_labels import DeployPolicyUpdateLabels

        d = dict(src_dict)
        _labels = d.pop("labels", UNSET)
        labels: DeployPolicyUpdateLabels | Unset
        if isinstance(_labels, Unset):
            labels = UNSET
        else:
            labels = DeployPolicyUpdateLabels.from_dict(_labels)

        deploy_policy_update = cls(
            labels=labels,
        )

        deploy_policy_update.additional_properties = d
        return deploy_policy_update

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
