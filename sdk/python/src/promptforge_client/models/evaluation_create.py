from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dataset_ref import DatasetRef
    from ..models.evaluation_create_assertions_item import EvaluationCreateAssertionsItem
    from ..models.model_ref import ModelRef
    from ..models.variant_create import VariantCreate


T = TypeVar("T", bound="EvaluationCreate")


@_attrs_define
class EvaluationCreate:
    """
    Attributes:
        name (str):
        dataset (DatasetRef):
        variants (list[VariantCreate]):
        assertions (list[EvaluationCreateAssertionsItem] | Unset): promptfoo assertions: {type, value, threshold,
            weight, metric, provider}; may be empty when the items carry their own
        grader (ModelRef | None | Unset): Grades items whose `expected` is a model-graded shorthand (`llm-rubric: …`,
            `similar: …`); default: the first variant's provider and model
        concurrency (int | Unset): Provider calls in flight Default: 10.
        pass_threshold (float | Unset): The evaluation passes when every variant's pass rate reaches it Default: 1.0.
    """

    name: str
    dataset: DatasetRef
    variants: list[VariantCreate]
    assertions: list[EvaluationCreateAssertionsItem] | Unset = UNSET
    grader: ModelRef | None | Unset = UNSET
    concurrency: int | Unset = 10
    pass_threshold: float | Unset = 1.0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.model_ref import ModelRef

        name = self.name

        dataset = self.dataset.to_dict()

        variants = []
        for variants_item_data in self.variants:
            variants_item = variants_item_data.to_dict()
            variants.append(variants_item)

        assertions: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.assertions, Unset):
            assertions = []
            for assertions_item_data in self.assertions:
                assertions_item = assertions_item_data.to_dict()
                assertions.append(assertions_item)

        grader: dict[str, Any] | None | Unset
        if isinstance(self.grader, Unset):
            grader = UNSET
        elif isinstance(self.grader, ModelRef):
            grader = self.grader.to_dict()
        else:
            grader = self.grader

        concurrency = self.concurrency

        pass_threshold = self.pass_threshold

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "dataset": dataset,
                "variants": variants,
            }
        )
        if assertions is not UNSET:
            field_dict["assertions"] = assertions
        if grader is not UNSET:
            field_dict["grader"] = grader
        if concurrency is not UNSET:
            field_dict["concurrency"] = concurrency
        if pass_threshold is not UNSET:
            field_dict["pass_threshold"] = pass_threshold

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.dataset_ref import DatasetRef
        from ..models.evaluation_create_assertions_item import EvaluationCreateAssertionsItem
        from ..models.model_ref import ModelRef
        from ..models.variant_create import VariantCreate

        d = dict(src_dict)
        name = d.pop("name")

        dataset = DatasetRef.from_dict(d.pop("dataset"))

        variants = []
        _variants = d.pop("variants")
        for variants_item_data in _variants:
            variants_item = VariantCreate.from_dict(variants_item_data)

            variants.append(variants_item)

        _assertions = d.pop("assertions", UNSET)
        assertions: list[EvaluationCreateAssertionsItem] | Unset = UNSET
        if _assertions is not UNSET:
            assertions = []
            for assertions_item_data in _assertions:
                assertions_item = EvaluationCreateAssertionsItem.from_dict(assertions_item_data)

                assertions.append(assertions_item)

        def _parse_grader(data: object) -> ModelRef | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                grader_type_0 = ModelRef.from_dict(data)

                return grader_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ModelRef | None | Unset, data)

        grader = _parse_grader(d.pop("grader", UNSET))

        concurrency = d.pop("concurrency", UNSET)

        pass_threshold = d.pop("pass_threshold", UNSET)

        evaluation_create = cls(
            name=name,
            dataset=dataset,
            variants=variants,
            assertions=assertions,
            grader=grader,
            concurrency=concurrency,
            pass_threshold=pass_threshold,
        )

        evaluation_create.additional_properties = d
        return evaluation_create

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
