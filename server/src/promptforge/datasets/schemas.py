"""Request and response bodies of datasets and their items."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from promptforge.core.json_shape import json_shape_problem
from promptforge.core.schemas import Schema
from promptforge.prompts.names import PROMPT_NAME

DESCRIPTION_MAX = 2000
ITEMS_PER_REQUEST = 1000
VARIABLES_MAX = 200
# Deep enough for chat transcripts and structured expectations; bounded so one item cannot make
# every listing, export and evaluation walk a pathological document.
ITEM_MAX_DEPTH = 32
ITEM_MAX_NODES = 20_000

VariableName = Annotated[str, Field(min_length=1, max_length=128)]
Variables = Annotated[
    dict[VariableName, Any],
    Field(max_length=VARIABLES_MAX, description="Variables of the prompt: name → any JSON value"),
]
Metadata = Annotated[
    dict[Annotated[str, Field(min_length=1, max_length=128)], Any],
    Field(max_length=VARIABLES_MAX, description="Free-form notes about the item"),
]


def _bounded(value: Any, field: str) -> Any:
    problem = json_shape_problem(value, max_depth=ITEM_MAX_DEPTH, max_nodes=ITEM_MAX_NODES)
    if problem is not None:
        raise PydanticCustomError("item_too_complex", f"{field}: {problem}")
    return value


class DatasetCreate(Schema):
    name: str = Field(pattern=PROMPT_NAME, description="Unique in the project, like a prompt name")
    description: str = Field(default="", max_length=DESCRIPTION_MAX)


class DatasetUpdate(Schema):
    name: str | None = Field(default=None, pattern=PROMPT_NAME, description="Rename; history is kept")
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX)


class Dataset(Schema):
    id: uuid.UUID
    project_id: uuid.UUID
    name: str
    description: str
    item_count: int = Field(description="Items at the current version")
    version: int = Field(description="Bumped by every change of items; 0 for a new, empty dataset")
    created_at: datetime
    updated_at: datetime


class ItemCreate(Schema):
    input: Variables
    expected: Any = Field(default=None, description="Expected output: any JSON (a string, an object, ...)")
    metadata: Metadata = Field(default_factory=dict)

    @field_validator("input", "expected", "metadata")
    @classmethod
    def _shape(cls, value: Any) -> Any:
        return _bounded(value, "item")


class ItemsCreate(Schema):
    items: list[ItemCreate] = Field(min_length=1, max_length=ITEMS_PER_REQUEST)


class ItemsCreated(Schema):
    created: int
    version: int = Field(description="The dataset's version after the change")
    ids: list[uuid.UUID] = Field(description="Ids of the new items, in the order given")


class ItemUpdate(Schema):
    """Fields to replace; an absent field keeps its value, `expected: null` clears it."""

    input: Variables | None = None
    expected: Any = None
    metadata: Metadata | None = None

    @field_validator("input", "expected", "metadata")
    @classmethod
    def _shape(cls, value: Any) -> Any:
        return _bounded(value, "item")


class ItemFromRun(Schema):
    run_id: uuid.UUID
    metadata: Metadata = Field(default_factory=dict)

    @field_validator("metadata")
    @classmethod
    def _shape(cls, value: Any) -> Any:
        return _bounded(value, "metadata")


class DatasetItem(Schema):
    id: uuid.UUID = Field(description="The item's stable id (the same across its revisions)")
    input: dict[str, Any]
    expected: Any
    metadata: dict[str, Any]
    version: int = Field(description="The dataset version at which this revision of the item appeared")
    source_run_id: uuid.UUID | None = Field(description="The playground run it was copied from")
    created_at: datetime
    updated_at: datetime


# --- file imports and exports ---------------------------------------------------------------------

JobStatus = Literal["queued", "running", "completed", "failed"]
ERRORS_SHOWN = 100


class ImportRowError(Schema):
    line: int = Field(description="The file's line where the rejected record starts (1-based)")
    message: str


class DatasetImport(Schema):
    id: uuid.UUID
    dataset: str = Field(description="The dataset's name")
    status: JobStatus
    format: Literal["csv", "jsonl", "json"]
    strict: bool = Field(description="All or nothing: any bad row fails the import and writes nothing")
    filename: str
    rows_done: int = Field(description="Records read so far (good and bad)")
    items_created: int = Field(description="Items added to the dataset (once completed)")
    error_count: int = Field(description="Rejected rows in all; `errors` lists the first 100")
    errors: list[ImportRowError]
    message: str | None = Field(description="Why the whole import failed, or null")
    version: int | None = Field(description="The dataset version the import created (once completed)")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class ExportCreate(Schema):
    format: Literal["csv", "jsonl"] = "jsonl"


class DatasetExport(Schema):
    id: uuid.UUID
    dataset: str = Field(description="The dataset's name")
    status: JobStatus
    format: Literal["csv", "jsonl"]
    version: int = Field(description="The dataset version exported (pinned when it was requested)")
    item_count: int | None = Field(description="Items in the file (once completed)")
    size_bytes: int | None = Field(description="The file's size (once completed)")
    message: str | None = Field(description="Why the export failed, or null")
    download_url: str | None = Field(
        description="Once completed: a short-lived link (S3) or the API's download route"
    )
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
