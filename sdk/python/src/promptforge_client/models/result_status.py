from enum import StrEnum


class ResultStatus(StrEnum):
    ERROR = "error"
    FAILED = "failed"
    PASSED = "passed"

    def __str__(self) -> str:
        return str(self.value)
