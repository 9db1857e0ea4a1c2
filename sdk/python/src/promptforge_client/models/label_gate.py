from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.evaluation_rule import EvaluationRule


T = TypeVar("T", bound="LabelGate")


@_attrs_define
class LabelGate:
    """What moving one label needs.

    Attributes:
        require_evaluation (EvaluationRule | None | Unset):
        require_approval (bool | Unset): A second admin or owner approves the move Default: False.
        allow_rollback (bool | Unset): Moving back to a version this label had before skips the evaluation Default:
            True.
    """

    require_evaluation: EvaluationRule | None | Unset = UNSET
    require_approval: bool | Unset = False
    allow_rollback: bool | Unset = True
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.evaluation_rule import EvaluationRule

        require_evaluation: dict[str, Any] | None | Unset
        if isinstance(self.require_evaluation, Unset):
            require_evaluation = UNSET
        elif isinstance(self.require_evaluation, EvaluationRule):
            require_evaluation = self.require_evaluation.to_dict()
        else:
            require_evaluation = self.require_evaluation

        require_approval = self.require_approval

        allow_rollback = self.allow_rollback

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if require_evaluation is not UNSET:
            field_dict["require_evaluation"] = require_evaluation
        if require_approval is not UNSET:
            field_dict["require_approval"] = require_approval
        if allow_rollback is not UNSET:
            field_dict["allow_rollback"] = allow_rollback

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.evaluation_rule import EvaluationRule

        d = dict(src_dict)

        def _parse_require_evaluation(data: object) -> EvaluationRule | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                require_evaluation_type_0 = EvaluationRule.from_dict(data)

                return require_evaluation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EvaluationRule | None | Unset, data)

        require_evaluation = _parse_require_evaluation(d.pop("require_evaluation", UNSET))

        require_approval = d.pop("require_approval", UNSET)

        allow_rollback = d.pop("allow_rollback", UNSET)

        label_gate = cls(
            require_evaluation=require_evaluation,
            require_approval=require_approval,
            allow_rollback=allow_rollback,
        )

        label_gate.additional_properties = d
        return label_gate

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
