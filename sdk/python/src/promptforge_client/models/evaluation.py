from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.evaluation_status import EvaluationStatus

if TYPE_CHECKING:
    from ..models.dataset_pin import DatasetPin
    from ..models.evaluation_assertions_item import EvaluationAssertionsItem
    from ..models.evaluation_summary_type_0 import EvaluationSummaryType0
    from ..models.model_ref import ModelRef
    from ..models.progress import Progress
    from ..models.variant import Variant


T = TypeVar("T", bound="Evaluation")


@_attrs_define
class Evaluation:
    """
    Attributes:
        id (UUID):
        project_id (UUID):
        name (str):
        status (EvaluationStatus):
        dataset (DatasetPin):
        variants (list[Variant]):
        assertions (list[EvaluationAssertionsItem]):
        grader (ModelRef | None):
        concurrency (int):
        pass_threshold (float):
        progress (Progress):
        passed (bool | None): Every variant's pass rate >= pass_threshold; null until completed
        summary (EvaluationSummaryType0 | None):
        message (None | str): Why the evaluation failed
        created_by (str):
        created_at (datetime.datetime):
        started_at (datetime.datetime | None):
        finished_at (datetime.datetime | None):
    """

    id: UUID
    project_id: UUID
    name: str
    status: EvaluationStatus
    dataset: DatasetPin
    variants: list[Variant]
    assertions: list[EvaluationAssertionsItem]
    grader: ModelRef | None
    concurrency: int
    pass_threshold: float
    progress: Progress
    passed: bool | None
    summary: EvaluationSummaryType0 | None
    message: None | str
    created_by: str
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.evaluation_summary_type_0 import EvaluationSummaryType0
        from ..models.model_ref import ModelRef

        id = str(self.id)

        project_id = str(self.project_id)

        name = self.name

        status = self.status.value

        dataset = self.dataset.to_dict()

        variants = []
        for variants_item_data in self.variants:
            variants_item = variants_item_data.to_dict()
            variants.append(variants_item)

        assertions = []
        for assertions_item_data in self.assertions:
            assertions_item = assertions_item_data.to_dict()
            assertions.append(assertions_item)

        grader: dict[str, Any] | None
        if isinstance(self.grader, ModelRef):
            grader = self.grader.to_dict()
        else:
            grader = self.grader

        concurrency = self.concurrency

        pass_threshold = self.pass_threshold

        progress = self.progress.to_dict()

        passed: bool | None
        passed = self.passed

        summary: dict[str, Any] | None
        if isinstance(self.summary, EvaluationSummaryType0):
            summary = self.summary.to_dict()
        else:
            summary = self.summary

        message: None | str
        message = self.message

        created_by = self.created_by

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
                "project_id": project_id,
                "name": name,
                "status": status,
                "dataset": dataset,
                "variants": variants,
                "assertions": assertions,
                "grader": grader,
                "concurrency": concurrency,
                "pass_threshold": pass_threshold,
                "progress": progress,
                "passed": passed,
                "summary": summary,
                "message": message,
                "created_by": created_by,
                "created_at": created_at,
                "started_at": started_at,
                "finished_at": finished_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.dataset_pin import DatasetPin
        from ..models.evaluation_assertions_item import EvaluationAssertionsItem
        from ..models.evaluation_summary_type_0 import EvaluationSummaryType0
        from ..models.model_ref import ModelRef
        from ..models.progress import Progress
        from ..models.variant import Variant

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        project_id = UUID(d.pop("project_id"))

        name = d.pop("name")

        status = EvaluationStatus(d.pop("status"))

        dataset = DatasetPin.from_dict(d.pop("dataset"))

        variants = []
        _variants = d.pop("variants")
        for variants_item_data in _variants:
            variants_item = Variant.from_dict(variants_item_data)

            variants.append(variants_item)

        assertions = []
        _assertions = d.pop("assertions")
        for assertions_item_data in _assertions:
            assertions_item = EvaluationAssertionsItem.from_dict(assertions_item_data)

            assertions.append(assertions_item)

        def _parse_grader(data: object) -> ModelRef | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                grader_type_0 = ModelRef.from_dict(data)

                return grader_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ModelRef | None, data)

        grader = _parse_grader(d.pop("grader"))

        concurrency = d.pop("concurrency")

        pass_threshold = d.pop("pass_threshold")

        progress = Progress.from_dict(d.pop("progress"))

        def _parse_passed(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        passed = _parse_passed(d.pop("passed"))

        def _parse_summary(data: object) -> EvaluationSummaryType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                summary_type_0 = EvaluationSummaryType0.from_dict(data)

                return summary_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EvaluationSummaryType0 | None, data)

        summary = _parse_summary(d.pop("summary"))

        def _parse_message(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        message = _parse_message(d.pop("message"))

        created_by = d.pop("created_by")

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

        evaluation = cls(
            id=id,
            project_id=project_id,
            name=name,
            status=status,
            dataset=dataset,
            variants=variants,
            assertions=assertions,
            grader=grader,
            concurrency=concurrency,
            pass_threshold=pass_threshold,
            progress=progress,
            passed=passed,
            summary=summary,
            message=message,
            created_by=created_by,
            created_at=created_at,
            started_at=started_at,
            finished_at=finished_at,
        )

        evaluation.additional_properties = d
        return evaluation

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
