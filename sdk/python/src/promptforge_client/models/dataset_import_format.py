from enum import StrEnum


class DatasetImportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"
    JSONL = "jsonl"

    def __str__(self) -> str:
        return str(self.value)
