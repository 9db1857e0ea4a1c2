from enum import StrEnum


class EvaluationsResultsStatusType0(StrEnum):
    ERROR = "error"
    FAILED = "failed"
    PASSED = "passed"

    def __str__(self) -> str:
        return str(self.value)
