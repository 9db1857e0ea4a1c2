from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.readiness_database import ReadinessDatabase
from ..models.readiness_queue import ReadinessQueue
from ..models.readiness_redis import ReadinessRedis
from ..models.readiness_status import ReadinessStatus

T = TypeVar("T", bound="Readiness")


@_attrs_define
class Readiness:
    """
    Attributes:
        status (ReadinessStatus):
        database (ReadinessDatabase):
        redis (ReadinessRedis):
        queue (ReadinessQueue):
    """

    status: ReadinessStatus
    database: ReadinessDatabase
    redis: ReadinessRedis
    queue: ReadinessQueue
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status.value

        database = self.database.value

        redis = self.redis.value

        queue = self.queue.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "database": database,
                "redis": redis,
                "queue": queue,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        status = ReadinessStatus(d.pop("status"))

        database = ReadinessDatabase(d.pop("database"))

        redis = ReadinessRedis(d.pop("redis"))

        queue = ReadinessQueue(d.pop("queue"))

        readiness = cls(
            status=status,
            database=database,
            redis=redis,
            queue=queue,
        )

        readiness.additional_properties = d
        return readiness

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
