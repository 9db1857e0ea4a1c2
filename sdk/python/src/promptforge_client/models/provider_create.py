from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.provider_create_kind import ProviderCreateKind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.provider_create_pricing import ProviderCreatePricing


T = TypeVar("T", bound="ProviderCreate")


@_attrs_define
class ProviderCreate:
    """
    Attributes:
        name (str):
        kind (ProviderCreateKind):
        base_url (None | str | Unset): Required for openai_compatible (e.g. http://localhost:11434/v1 for Ollama);
            defaults to the official API for openai and anthropic. No credentials in the URL (use api_key); in production,
            private, loopback and link-local addresses are refused unless allowed.
        api_key (None | str | Unset): Stored encrypted; only its last 4 characters are shown.
        default_model (None | str | Unset):
        models (list[str] | Unset):
        pricing (ProviderCreatePricing | Unset): Per-model price overrides (USD per 1M tokens).
    """

    name: str
    kind: ProviderCreateKind
    base_url: None | str | Unset = UNSET
    api_key: None | str | Unset = UNSET
    default_model: None | str | Unset = UNSET
    models: list[str] | Unset = UNSET
    pricing: ProviderCreatePricing | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        kind = self.kind.value

        base_url: None | str | Unset
        if isinstance(self.base_url, Unset):
            base_url = UNSET
        else:
            base_url = self.base_url

        api_key: None | str | Unset
        if isinstance(self.api_key, Unset):
            api_key = UNSET
        else:
            api_key = self.api_key

        default_model: None | str | Unset
        if isinstance(self.default_model, Unset):
            default_model = UNSET
        else:
            default_model = self.default_model

        models: list[str] | Unset = UNSET
        if not isinstance(self.models, Unset):
            models = self.models

        pricing: dict[str, Any] | Unset = UNSET
        if not isinstance(self.pricing, Unset):
            pricing = self.pricing.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "kind": kind,
            }
        )
        if base_url is not UNSET:
            field_dict["base_url"] = base_url
        if api_key is not UNSET:
            field_dict["api_key"] = api_key
        if default_model is not UNSET:
            field_dict["default_model"] = default_model
        if models is not UNSET:
            field_dict["models"] = models
        if pricing is not UNSET:
            field_dict["pricing"] = pricing

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.provider_create_pricing import ProviderCreatePricing

        d = dict(src_dict)
        name = d.pop("name")

        kind = ProviderCreateKind(d.pop("kind"))

        def _parse_base_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        base_url = _parse_base_url(d.pop("base_url", UNSET))

        def _parse_api_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        api_key = _parse_api_key(d.pop("api_key", UNSET))

        def _parse_default_model(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        default_model = _parse_default_model(d.pop("default_model", UNSET))

        models = cast(list[str], d.pop("models", UNSET))

        _pricing = d.pop("pricing", UNSET)
        pricing: ProviderCreatePricing | Unset
        if isinstance(_pricing, Unset):
            pricing = UNSET
        else:
            pricing = ProviderCreatePricing.from_dict(_pricing)

        provider_create = cls(
            name=name,
            kind=kind,
            base_url=base_url,
            api_key=api_key,
            default_model=default_model,
            models=models,
            pricing=pricing,
        )

        provider_create.additional_properties = d
        return provider_create

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
