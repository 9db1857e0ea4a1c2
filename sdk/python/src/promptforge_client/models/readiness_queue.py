from enum import StrEnum


class ReadinessQueue(StrEnum):
    EMBEDDED = "embedded"
    OK = "ok"
    UNREACHABLE = "unreachable"

    def __str__(self) -> str:
        return str(self.value)
