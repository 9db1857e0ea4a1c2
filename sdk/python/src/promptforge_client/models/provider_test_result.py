from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.error_info import ErrorInfo


T = TypeVar("T", bound="ProviderTestResult")


@_attrs_define
class ProviderTestResult:
    """
    Attributes:
        ok (bool):
        models (list[str] | None): Models the provider lists (None when it cannot list them).
        latency_ms (int):
        error (ErrorInfo | None | Unset):
    """

    ok: bool
    models: list[str] | None
    latency_ms: int
    error: ErrorInfo | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.error_info import ErrorInfo

        ok = self.ok

        models: list[str] | None
        if isinstance(self.models, list):
            models = self.models

        else:
            models = self.models

        latency_ms = self.latency_ms

        error: dict[str, Any] | None | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        elif isinstance(self.error, ErrorInfo):
            error = self.error.to_dict()
        else:
            error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ok": ok,
                "models": models,
                "latency_ms": latency_ms,
            }
        )
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.error_info import ErrorInfo

        d = dict(src_dict)
        ok = d.pop("ok")

        def _parse_models(data: object) -> list[str] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                models_type_0 = cast(list[str], data)

                return models_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None, data)

        models = _parse_models(d.pop("models"))

        latency_ms = d.pop("latency_ms")

        def _parse_error(data: object) -> ErrorInfo | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = ErrorInfo.from_dict(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ErrorInfo | None | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        provider_test_result = cls(
            ok=ok,
            models=models,
            latency_ms=latency_ms,
            error=error,
        )

        provider_test_result.additional_properties = d
        return provider_test_result

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
