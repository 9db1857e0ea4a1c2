from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.prompt_ref import PromptRef
    from ..models.run_params import RunParams


T = TypeVar("T", bound="VariantCreate")


@_attrs_define
class VariantCreate:
    """
    Attributes:
        name (str): Unique in the evaluation; results name their variant by it
        prompt (PromptRef): A saved prompt: a label (default `latest`) or a version number.
        provider_id (UUID):
        model (None | str | Unset): Default: the version's model_config, then the provider's
        params (RunParams | Unset): Per-run model parameters; they override the version's model_config.
    """

    name: str
    prompt: PromptRef
    provider_id: UUID
    model: None | str | Unset = UNSET
    params: RunParams | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        prompt = self.prompt.to_dict()

        provider_id = str(self.provider_id)

        model: None | str | Unset
        if isinstance(self.model, Unset):
            model = UNSET
        else:
            model = self.model

        params: dict[str, Any] | Unset = UNSET
        if not isinstance(self.params, Unset):
            params = self.params.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "prompt": prompt,
                "provider_id": provider_id,
            }
        )
        if model is not UNSET:
            field_dict["model"] = model
        if params is not UNSET:
            field_dict["params"] = params

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.prompt_ref import PromptRef
        from ..models.run_params import RunParams

        d = dict(src_dict)
        name = d.pop("name")

        prompt = PromptRef.from_dict(d.pop("prompt"))

        provider_id = UUID(d.pop("provider_id"))

        def _parse_model(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        model = _parse_model(d.pop("model", UNSET))

        _params = d.pop("params", UNSET)
        params: RunParams | Unset
        if isinstance(_params, Unset):
            params = UNSET
        else:
            params = RunParams.from_dict(_params)

        variant_create = cls(
            name=name,
            prompt=prompt,
            provider_id=provider_id,
            model=model,
            params=params,
        )

        variant_create.additional_properties = d
        return variant_create

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
