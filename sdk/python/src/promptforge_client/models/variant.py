from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.evaluation_resolved_prompt import EvaluationResolvedPrompt
    from ..models.variant_params import VariantParams
    from ..models.variant_summary_type_0 import VariantSummaryType0


T = TypeVar("T", bound="Variant")


@_attrs_define
class Variant:
    """
    Attributes:
        name (str):
        prompt (EvaluationResolvedPrompt):
        provider_id (None | UUID):
        provider_name (str):
        model (str):
        params (VariantParams):
        summary (None | VariantSummaryType0): Written when the run ends (see docs/evaluations.md)
    """

    name: str
    prompt: EvaluationResolvedPrompt
    provider_id: None | UUID
    provider_name: str
    model: str
    params: VariantParams
    summary: None | VariantSummaryType0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.variant_summary_type_0 import VariantSummaryType0

        name = self.name

        prompt = self.prompt.to_dict()

        provider_id: None | str
        if isinstance(self.provider_id, UUID):
            provider_id = str(self.provider_id)
        else:
            provider_id = self.provider_id

        provider_name = self.provider_name

        model = self.model

        params = self.params.to_dict()

        summary: dict[str, Any] | None
        if isinstance(self.summary, VariantSummaryType0):
            summary = self.summary.to_dict()
        else:
            summary = self.summary

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "prompt": prompt,
                "provider_id": provider_id,
                "provider_name": provider_name,
                "model": model,
                "params": params,
                "summary": summary,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.evaluation_resolved_prompt import EvaluationResolvedPrompt
        from ..models.variant_params import VariantParams
        from ..models.variant_summary_type_0 import VariantSummaryType0

        d = dict(src_dict)
        name = d.pop("name")

        prompt = EvaluationResolvedPrompt.from_dict(d.pop("prompt"))

        def _parse_provider_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                provider_id_type_0 = UUID(data)

                return provider_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        provider_id = _parse_provider_id(d.pop("provider_id"))

        provider_name = d.pop("provider_name")

        model = d.pop("model")

        params = VariantParams.from_dict(d.pop("params"))

        def _parse_summary(data: object) -> None | VariantSummaryType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                summary_type_0 = VariantSummaryType0.from_dict(data)

                return summary_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | VariantSummaryType0, data)

        summary = _parse_summary(d.pop("summary"))

        variant = cls(
            name=name,
            prompt=prompt,
            provider_id=provider_id,
            provider_name=provider_name,
            model=model,
            params=params,
            summary=summary,
        )

        variant.additional_properties = d
        return variant

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
