from enum import StrEnum


class EvaluationsResultsFormat(StrEnum):
    CSV = "csv"
    JSON = "json"
    JUNIT = "junit"

    def __str__(self) -> str:
        return str(self.value)
