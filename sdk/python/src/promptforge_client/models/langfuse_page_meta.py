from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LangfusePageMeta")


@_attrs_define
class LangfusePageMeta:
    """
    Attributes:
        page (int):
        limit (int):
        total_items (int):
        total_pages (int):
    """

    page: int
    limit: int
    total_items: int
    total_pages: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        page = self.page

        limit = self.limit

        total_items = self.total_items

        total_pages = self.total_pages

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "page": page,
                "limit": limit,
                "totalItems": total_items,
                "totalPages": total_pages,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        page = d.pop("page")

        limit = d.pop("limit")

        total_items = d.pop("totalItems")

        total_pages = d.pop("totalPages")

        langfuse_page_meta = cls(
            page=page,
            limit=limit,
            total_items=total_items,
            total_pages=total_pages,
        )

        langfuse_page_meta.additional_properties = d
        return langfuse_page_meta

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
