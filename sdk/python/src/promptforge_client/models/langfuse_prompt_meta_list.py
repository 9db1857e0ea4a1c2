from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.langfuse_page_meta import LangfusePageMeta
    from ..models.langfuse_prompt_meta import LangfusePromptMeta


T = TypeVar("T", bound="LangfusePromptMetaList")


@_attrs_define
class LangfusePromptMetaList:
    """
    Attributes:
        data (list[LangfusePromptMeta]):
        meta (LangfusePageMeta):
    """

    data: list[LangfusePromptMeta]
    meta: LangfusePageMeta
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        meta = self.meta.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
                "meta": meta,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.langfuse_page_meta import LangfusePageMeta
        from ..models.langfuse_prompt_meta import LangfusePromptMeta

        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = LangfusePromptMeta.from_dict(data_item_data)

            data.append(data_item)

        meta = LangfusePageMeta.from_dict(d.pop("meta"))

        langfuse_prompt_meta_list = cls(
            data=data,
            meta=meta,
        )

        langfuse_prompt_meta_list.additional_properties = d
        return langfuse_prompt_meta_list

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
