from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.run_create_kind_type_0 import RunCreateKindType0
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.chat_message import ChatMessage
    from ..models.placeholder import Placeholder
    from ..models.prompt_ref import PromptRef
    from ..models.run_create_variables import RunCreateVariables
    from ..models.run_params import RunParams


T = TypeVar("T", bound="RunCreate")


@_attrs_define
class RunCreate:
    """
    Attributes:
        provider_id (UUID):
        prompt (None | PromptRef | Unset): A saved prompt (or give `template`)
        template (list[ChatMessage | Placeholder] | None | str | Unset): An unsaved draft template
        kind (None | RunCreateKindType0 | Unset): The draft's kind (inferred from the template)
        variables (RunCreateVariables | Unset):
        model (None | str | Unset): Default: the version's model_config, then the provider's
        params (RunParams | Unset): Per-run model parameters; they override the version's model_config.
        stream (bool | Unset): Answer text/event-stream: `delta` events, then `run` Default: False.
    """

    provider_id: UUID
    prompt: None | PromptRef | Unset = UNSET
    template: list[ChatMessage | Placeholder] | None | str | Unset = UNSET
    kind: None | RunCreateKindType0 | Unset = UNSET
    variables: RunCreateVariables | Unset = UNSET
    model: None | str | Unset = UNSET
    params: RunParams | Unset = UNSET
    stream: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.chat_message import ChatMessage
        from ..models.prompt_ref import PromptRef

        provider_id = str(self.provider_id)

        prompt: dict[str, Any] | None | Unset
        if isinstance(self.prompt, Unset):
            prompt = UNSET
        elif isinstance(self.prompt, PromptRef):
            prompt = self.prompt.to_dict()
        else:
            prompt = self.prompt

        template: list[dict[str, Any]] | None | str | Unset
        if isinstance(self.template, Unset):
            template = UNSET
        elif isinstance(self.template, list):
            template = []
            for template_type_1_item_data in self.template:
                template_type_1_item: dict[str, Any]
                if isinstance(template_type_1_item_data, ChatMessage):
                    template_type_1_item = template_type_1_item_data.to_dict()
                else:
                    template_type_1_item = template_type_1_item_data.to_dict()

                template.append(template_type_1_item)

        else:
            template = self.template

        kind: None | str | Unset
        if isinstance(self.kind, Unset):
            kind = UNSET
        elif isinstance(self.kind, RunCreateKindType0):
            kind = self.kind.value
        else:
            kind = self.kind

        variables: dict[str, Any] | Unset = UNSET
        if not isinstance(self.variables, Unset):
            variables = self.variables.to_dict()

        model: None | str | Unset
        if isinstance(self.model, Unset):
            model = UNSET
        else:
            model = self.model

        params: dict[str, Any] | Unset = UNSET
        if not isinstance(self.params, Unset):
            params = self.params.to_dict()

        stream = self.stream

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "provider_id": provider_id,
            }
        )
        if prompt is not UNSET:
            field_dict["prompt"] = prompt
        if template is not UNSET:
            field_dict["template"] = template
        if kind is not UNSET:
            field_dict["kind"] = kind
        if variables is not UNSET:
            field_dict["variables"] = variables
        if model is not UNSET:
            field_dict["model"] = model
        if params is not UNSET:
            field_dict["params"] = params
        if stream is not UNSET:
            field_dict["stream"] = stream

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.chat_message import ChatMessage
        from ..models.placeholder import Placeholder
        from ..models.prompt_ref import PromptRef
        from ..models.run_create_variables import RunCreateVariables
        from ..models.run_params import RunParams

        d = dict(src_dict)
        provider_id = UUID(d.pop("provider_id"))

        def _parse_prompt(data: object) -> None | PromptRef | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                prompt_type_0 = PromptRef.from_dict(data)

                return prompt_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PromptRef | Unset, data)

        prompt = _parse_prompt(d.pop("prompt", UNSET))

        def _parse_template(data: object) -> list[ChatMessage | Placeholder] | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                template_type_1 = []
                _template_type_1 = data
                for template_type_1_item_data in _template_type_1:

                    def _parse_template_type_1_item(data: object) -> ChatMessage | Placeholder:
                        try:
                            if not isinstance(data, dict):
                                raise TypeError()
                            template_type_1_item_type_0 = ChatMessage.from_dict(data)

                            return template_type_1_item_type_0
                        except (TypeError, ValueError, AttributeError, KeyError):
                            pass
                        if not isinstance(data, dict):
                            raise TypeError()
                        template_type_1_item_type_1 = Placeholder.from_dict(data)

                        return template_type_1_item_type_1

                    template_type_1_item = _parse_template_type_1_item(template_type_1_item_data)

                    template_type_1.append(template_type_1_item)

                return template_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ChatMessage | Placeholder] | None | str | Unset, data)

        template = _parse_template(d.pop("template", UNSET))

        def _parse_kind(data: object) -> None | RunCreateKindType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                kind_type_0 = RunCreateKindType0(data)

                return kind_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunCreateKindType0 | Unset, data)

        kind = _parse_kind(d.pop("kind", UNSET))

        _variables = d.pop("variables", UNSET)
        variables: RunCreateVariables | Unset
        if isinstance(_variables, Unset):
            variables = UNSET
        else:
            variables = RunCreateVariables.from_dict(_variables)

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

        stream = d.pop("stream", UNSET)

        run_create = cls(
            provider_id=provider_id,
            prompt=prompt,
            template=template,
            kind=kind,
            variables=variables,
            model=model,
            params=params,
            stream=stream,
        )

        run_create.additional_properties = d
        return run_create

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
