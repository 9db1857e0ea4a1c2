from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.run_kind import RunKind
from ..models.run_status import RunStatus

if TYPE_CHECKING:
    from ..models.chat_message import ChatMessage
    from ..models.error_info import ErrorInfo
    from ..models.placeholder import Placeholder
    from ..models.run_input import RunInput
    from ..models.run_prompt import RunPrompt
    from ..models.run_sent_params import RunSentParams
    from ..models.run_usage import RunUsage
    from ..models.run_variables import RunVariables


T = TypeVar("T", bound="Run")


@_attrs_define
class Run:
    """
    Attributes:
        id (UUID):
        project_id (UUID):
        status (RunStatus):
        prompt (None | RunPrompt): None for a draft
        kind (RunKind):
        template (list[ChatMessage | Placeholder] | None | str): The draft's template (None for saved prompts)
        provider_id (None | UUID): None once the provider was deleted
        provider_name (str):
        provider_kind (str):
        model (str):
        params (RunSentParams): What was sent: model_config merged with the run's params
        variables (RunVariables):
        input_ (RunInput):
        output (None | str):
        usage (RunUsage):
        cost_usd (float | None): None when the model's price or the usage is unknown
        latency_ms (int | None):
        time_to_first_token_ms (int | None): Streaming runs only
        error (ErrorInfo | None):
        stream (bool):
        created_by (str):
        created_at (datetime.datetime):
        finished_at (datetime.datetime | None):
    """

    id: UUID
    project_id: UUID
    status: RunStatus
    prompt: None | RunPrompt
    kind: RunKind
    template: list[ChatMessage | Placeholder] | None | str
    provider_id: None | UUID
    provider_name: str
    provider_kind: str
    model: str
    params: RunSentParams
    variables: RunVariables
    input_: RunInput
    output: None | str
    usage: RunUsage
    cost_usd: float | None
    latency_ms: int | None
    time_to_first_token_ms: int | None
    error: ErrorInfo | None
    stream: bool
    created_by: str
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.chat_message import ChatMessage
        from ..models.error_info import ErrorInfo
        from ..models.run_prompt import RunPrompt

        id = str(self.id)

        project_id = str(self.project_id)

        status = self.status.value

        prompt: dict[str, Any] | None
        if isinstance(self.prompt, RunPrompt):
            prompt = self.prompt.to_dict()
        else:
            prompt = self.prompt

        kind = self.kind.value

        template: list[dict[str, Any]] | None | str
        if isinstance(self.template, list):
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

        provider_id: None | str
        if isinstance(self.provider_id, UUID):
            provider_id = str(self.provider_id)
        else:
            provider_id = self.provider_id

        provider_name = self.provider_name

        provider_kind = self.provider_kind

        model = self.model

        params = self.params.to_dict()

        variables = self.variables.to_dict()

        input_ = self.input_.to_dict()

        output: None | str
        output = self.output

        usage = self.usage.to_dict()

        cost_usd: float | None
        cost_usd = self.cost_usd

        latency_ms: int | None
        latency_ms = self.latency_ms

        time_to_first_token_ms: int | None
        time_to_first_token_ms = self.time_to_first_token_ms

        error: dict[str, Any] | None
        if isinstance(self.error, ErrorInfo):
            error = self.error.to_dict()
        else:
            error = self.error

        stream = self.stream

        created_by = self.created_by

        created_at = self.created_at.isoformat()

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
                "project_id": project_id,
                "status": status,
                "prompt": prompt,
                "kind": kind,
                "template": template,
                "provider_id": provider_id,
                "provider_name": provider_name,
                "provider_kind": provider_kind,
                "model": model,
                "params": params,
                "variables": variables,
                "input": input_,
                "output": output,
                "usage": usage,
                "cost_usd": cost_usd,
                "latency_ms": latency_ms,
                "time_to_first_token_ms": time_to_first_token_ms,
                "error": error,
                "stream": stream,
                "created_by": created_by,
                "created_at": created_at,
                "finished_at": finished_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.chat_message import ChatMessage
        from ..models.error_info import ErrorInfo
        from ..models.placeholder import Placeholder
        from ..models.run_input import RunInput
        from ..models.run_prompt import RunPrompt
        from ..models.run_sent_params import RunSentParams
        from ..models.run_usage import RunUsage
        from ..models.run_variables import RunVariables

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        project_id = UUID(d.pop("project_id"))

        status = RunStatus(d.pop("status"))

        def _parse_prompt(data: object) -> None | RunPrompt:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                prompt_type_0 = RunPrompt.from_dict(data)

                return prompt_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunPrompt, data)

        prompt = _parse_prompt(d.pop("prompt"))

        kind = RunKind(d.pop("kind"))

        def _parse_template(data: object) -> list[ChatMessage | Placeholder] | None | str:
            if data is None:
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
            return cast(list[ChatMessage | Placeholder] | None | str, data)

        template = _parse_template(d.pop("template"))

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

        provider_kind = d.pop("provider_kind")

        model = d.pop("model")

        params = RunSentParams.from_dict(d.pop("params"))

        variables = RunVariables.from_dict(d.pop("variables"))

        input_ = RunInput.from_dict(d.pop("input"))

        def _parse_output(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        output = _parse_output(d.pop("output"))

        usage = RunUsage.from_dict(d.pop("usage"))

        def _parse_cost_usd(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        cost_usd = _parse_cost_usd(d.pop("cost_usd"))

        def _parse_latency_ms(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        latency_ms = _parse_latency_ms(d.pop("latency_ms"))

        def _parse_time_to_first_token_ms(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        time_to_first_token_ms = _parse_time_to_first_token_ms(d.pop("time_to_first_token_ms"))

        def _parse_error(data: object) -> ErrorInfo | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = ErrorInfo.from_dict(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ErrorInfo | None, data)

        error = _parse_error(d.pop("error"))

        stream = d.pop("stream")

        created_by = d.pop("created_by")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

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

        run = cls(
            id=id,
            project_id=project_id,
            status=status,
            prompt=prompt,
            kind=kind,
            template=template,
            provider_id=provider_id,
            provider_name=provider_name,
            provider_kind=provider_kind,
            model=model,
            params=params,
            variables=variables,
            input_=input_,
            output=output,
            usage=usage,
            cost_usd=cost_usd,
            latency_ms=latency_ms,
            time_to_first_token_ms=time_to_first_token_ms,
            error=error,
            stream=stream,
            created_by=created_by,
            created_at=created_at,
            finished_at=finished_at,
        )

        run.additional_properties = d
        return run

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
