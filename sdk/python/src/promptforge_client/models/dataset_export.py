from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.dataset_export_format import DatasetExportFormat
from ..models.dataset_export_status import DatasetExportStatus

T = TypeVar("T", bound="DatasetExport")


@_attrs_define
class DatasetExport:
    """
    Attributes:
        id (UUID):
        dataset (str): The dataset's name
        status (DatasetExportStatus):
        format_ (DatasetExportFormat):
        version (int): The dataset version exported (pinned when it was requested)
        item_count (int | None): Items in the file (once completed)
        size_bytes (int | None): The file's size (once completed)
        message (None | str): Why the export failed, or null
        download_url (None | str): Once completed: a short-lived link (S3) or the API's download route
        created_at (datetime.datetime):
        started_at (datetime.datetime | None):
        finished_at (datetime.datetime | None):
    """

    id: UUID
    dataset: str
    status: DatasetExportStatus
    format_: DatasetExportFormat
    version: int
    item_count: int | None
    size_bytes: int | None
    message: None | str
    download_url: None | str
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        dataset = self.dataset

        status = self.status.value

        format_ = self.format_.value

        version = self.version

        item_count: int | None
        item_count = self.item_count

        size_bytes: int | None
        size_bytes = self.size_bytes

        message: None | str
        message = self.message

        download_url: None | str
        download_url = self.download_url

        created_at = self.created_at.isoformat()

        started_at: None | str
        if isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "dataset": dataset,
                "status": status,
                "format": format_,
                "version": version,
                "item_count": item_count,
                "size_bytes": size_bytes,
                "message": message,
                "download_url": download_url,
                "created_at": created_at,
                "started_at": started_at,
                "finished_at": finished_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        dataset = d.pop("dataset")

        status = DatasetExportStatus(d.pop("status"))

        format_ = DatasetExportFormat(d.pop("format"))

        version = d.pop("version")

        def _parse_item_count(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        item_count = _parse_item_count(d.pop("item_count"))

        def _parse_size_bytes(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        size_bytes = _parse_size_bytes(d.pop("size_bytes"))

        def _parse_message(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        message = _parse_message(d.pop("message"))

        def _parse_download_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        download_url = _parse_download_url(d.pop("download_url"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_started_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        started_at = _parse_started_at(d.pop("started_at"))

        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))

        dataset_export = cls(
            id=id,
            dataset=dataset,
            status=status,
            format_=format_,
            version=version,
            item_count=item_count,
            size_bytes=size_bytes,
            message=message,
            download_url=download_url,
            created_at=created_at,
            started_at=started_at,
            finished_at=finished_at,
        )

        dataset_export.additional_properties = d
        return dataset_export

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
