from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="VariantEstimate")


@_attrs_define
class VariantEstimate:
    """
    Attributes:
        name (str):
        model (str): The model the variant would run (resolved like at creation)
        calls (int): Provider calls of this variant: one per item
        input_tokens_per_call (int | None): Mean prompt tokens over the sampled items (about 4 characters a token); null
            when none of them renders
        output_tokens_per_call (int): The variant's max_tokens, else a default of 256
        price_known (bool): The model has a price (the connection's or the shipped table's)
        estimated_cost_usd (float | None): null when the price or the tokens are unknown
    """

    name: str
    model: str
    calls: int
    input_tokens_per_call: int | None
    output_tokens_per_call: int
    price_known: bool
    estimated_cost_usd: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        model = self.model

        calls = self.calls

        input_tokens_per_call: int | None
        input_tokens_per_call = self.input_tokens_per_call

        output_tokens_per_call = self.output_tokens_per_call

        price_known = self.price_known

        estimated_cost_usd: float | None
        estimated_cost_usd = self.estimated_cost_usd

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "model": model,
                "calls": calls,
                "input_tokens_per_call": input_tokens_per_call,
                "output_tokens_per_call": output_tokens_per_call,
                "price_known": price_known,
                "estimated_cost_usd": estimated_cost_usd,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        model = d.pop("model")

        calls = d.pop("calls")

        def _parse_input_tokens_per_call(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        input_tokens_per_call = _parse_input_tokens_per_call(d.pop("input_tokens_per_call"))

        output_tokens_per_call = d.pop("output_tokens_per_call")

        price_known = d.pop("price_known")

        def _parse_estimated_cost_usd(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        estimated_cost_usd = _parse_estimated_cost_usd(d.pop("estimated_cost_usd"))

        variant_estimate = cls(
            name=name,
            model=model,
            calls=calls,
            input_tokens_per_call=input_tokens_per_call,
            output_tokens_per_call=output_tokens_per_call,
            price_known=price_known,
            estimated_cost_usd=estimated_cost_usd,
        )

        variant_estimate.additional_properties = d
        return variant_estimate

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
