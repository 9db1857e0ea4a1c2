from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.dataset_import_format import DatasetImportFormat
from ..models.dataset_import_status import DatasetImportStatus

if TYPE_CHECKING:
    from ..models.import_row_error import ImportRowError


T = TypeVar("T", bound="DatasetImport")


@_attrs_define
class DatasetImport:
    """
    Attributes:
        id (UUID):
        dataset (str): The dataset's name
        status (DatasetImportStatus):
        format_ (DatasetImportFormat):
        strict (bool): All or nothing: any bad row fails the import and writes nothing
        filename (str):
        rows_done (int): Records read so far (good and bad)
        size_bytes (int): The uploaded file's size
        bytes_done (int): Bytes of the file parsed so far: bytes_done / size_bytes is the progress
        items_created (int): Items added to the dataset (once completed)
        error_count (int): Rejected rows in all; `errors` lists the first 100
        errors (list[ImportRowError]):
        message (None | str): Why the whole import failed, or null
        version (int | None): The dataset version the import created (once completed)
        created_at (datetime.datetime):
        started_at (datetime.datetime | None):
        finished_at (datetime.datetime | None):
    """

    id: UUID
    dataset: str
    status: DatasetImportStatus
    format_: DatasetImportFormat
    strict: bool
    filename: str
    rows_done: int
    size_bytes: int
    bytes_done: int
    items_created: int
    error_count: int
    errors: list[ImportRowError]
    message: None | str
    version: int | None
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        dataset = self.dataset

        status = self.status.value

        format_ = self.format_.value

        strict = self.strict

        filename = self.filename

        rows_done = self.rows_done

        size_bytes = self.size_bytes

        bytes_done = self.bytes_done

        items_created = self.items_created

        error_count = self.error_count

        errors = []
        for errors_item_data in self.errors:
            errors_item = errors_item_data.to_dict()
            errors.append(errors_item)

        message: None | str
        message = self.message

        version: int | None
        version = self.version

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
                "strict": strict,
                "filename": filename,
                "rows_done": rows_done,
                "size_bytes": size_bytes,
                "bytes_done": bytes_done,
                "items_created": items_created,
                "error_count": error_count,
                "errors": errors,
                "message": message,
                "version": version,
                "created_at": created_at,
                "started_at": started_at,
                "finished_at": finished_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.import_row_error import ImportRowError

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        dataset = d.pop("dataset")

        status = DatasetImportStatus(d.pop("status"))

        format_ = DatasetImportFormat(d.pop("format"))

        strict = d.pop("strict")

        filename = d.pop("filename")

        rows_done = d.pop("rows_done")

        size_bytes = d.pop("size_bytes")

        bytes_done = d.pop("bytes_done")

        items_created = d.pop("items_created")

        error_count = d.pop("error_count")

        errors = []
        _errors = d.pop("errors")
        for errors_item_data in _errors:
            errors_item = ImportRowError.from_dict(errors_item_data)

            errors.append(errors_item)

        def _parse_message(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        message = _parse_message(d.pop("message"))

        def _parse_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        version = _parse_version(d.pop("version"))

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

        dataset_import = cls(
            id=id,
            dataset=dataset,
            status=status,
            format_=format_,
            strict=strict,
            filename=filename,
            rows_done=rows_done,
            size_bytes=size_bytes,
            bytes_done=bytes_done,
            items_created=items_created,
            error_count=error_count,
            errors=errors,
            message=message,
            version=version,
            created_at=created_at,
            started_at=started_at,
            finished_at=finished_at,
        )

        dataset_import.additional_properties = d
        return dataset_import

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
