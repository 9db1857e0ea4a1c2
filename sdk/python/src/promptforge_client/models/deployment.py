from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.deployment_status import DeploymentStatus

T = TypeVar("T", bound="Deployment")


@_attrs_define
class Deployment:
    """
    Attributes:
        id (UUID):
        project_id (UUID):
        prompt (str):
        label (str):
        from_version (int | None):
        to_version (int):
        status (DeploymentStatus):
        rollback (bool):
        evaluation_id (None | UUID):
        requested_by (str): The user's email or `api_key:<name>`
        requested_by_user_id (None | UUID):
        requested_at (datetime.datetime):
        decided_by (None | str):
        decided_at (datetime.datetime | None):
        comment (None | str):
    """

    id: UUID
    project_id: UUID
    prompt: str
    label: str
    from_version: int | None
    to_version: int
    status: DeploymentStatus
    rollback: bool
    evaluation_id: None | UUID
    requested_by: str
    requested_by_user_id: None | UUID
    requested_at: datetime.datetime
    decided_by: None | str
    decided_at: datetime.datetime | None
    comment: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        project_id = str(self.project_id)

        prompt = self.prompt

        label = self.label

        from_version: int | None
        from_version = self.from_version

        to_version = self.to_version

        status = self.status.value

        rollback = self.rollback

        evaluation_id: None | str
        if isinstance(self.evaluation_id, UUID):
            evaluation_id = str(self.evaluation_id)
        else:
            evaluation_id = self.evaluation_id

        requested_by = self.requested_by

        requested_by_user_id: None | str
        if isinstance(self.requested_by_user_id, UUID):
            requested_by_user_id = str(self.requested_by_user_id)
        else:
            requested_by_user_id = self.requested_by_user_id

        requested_at = self.requested_at.isoformat()

        decided_by: None | str
        decided_by = self.decided_by

        decided_at: None | str
        if isinstance(self.decided_at, datetime.datetime):
            decided_at = self.decided_at.isoformat()
        else:
            decided_at = self.decided_at

        comment: None | str
        comment = self.comment

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "project_id": project_id,
                "prompt": prompt,
                "label": label,
                "from_version": from_version,
                "to_version": to_version,
                "status": status,
                "rollback": rollback,
                "evaluation_id": evaluation_id,
                "requested_by": requested_by,
                "requested_by_user_id": requested_by_user_id,
                "requested_at": requested_at,
                "decided_by": decided_by,
                "decided_at": decided_at,
                "comment": comment,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        project_id = UUID(d.pop("project_id"))

        prompt = d.pop("prompt")

        label = d.pop("label")

        def _parse_from_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        from_version = _parse_from_version(d.pop("from_version"))

        to_version = d.pop("to_version")

        status = DeploymentStatus(d.pop("status"))

        rollback = d.pop("rollback")

        def _parse_evaluation_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                evaluation_id_type_0 = UUID(data)

                return evaluation_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        evaluation_id = _parse_evaluation_id(d.pop("evaluation_id"))

        requested_by = d.pop("requested_by")

        def _parse_requested_by_user_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                requested_by_user_id_type_0 = UUID(data)

                return requested_by_user_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        requested_by_user_id = _parse_requested_by_user_id(d.pop("requested_by_user_id"))

        requested_at = datetime.datetime.fromisoformat(d.pop("requested_at"))

        def _parse_decided_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        decided_by = _parse_decided_by(d.pop("decided_by"))

        def _parse_decided_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                decided_at_type_0 = datetime.datetime.fromisoformat(data)

                return decided_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        decided_at = _parse_decided_at(d.pop("decided_at"))

        def _parse_comment(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        comment = _parse_comment(d.pop("comment"))

        deployment = cls(
            id=id,
            project_id=project_id,
            prompt=prompt,
            label=label,
            from_version=from_version,
            to_version=to_version,
            status=status,
            rollback=rollback,
            evaluation_id=evaluation_id,
            requested_by=requested_by,
            requested_by_user_id=requested_by_user_id,
            requested_at=requested_at,
            decided_by=decided_by,
            decided_at=decided_at,
            comment=comment,
        )

        deployment.additional_properties = d
        return deployment

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
