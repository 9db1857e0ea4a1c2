from enum import StrEnum


class ReadinessRedis(StrEnum):
    EMBEDDED = "embedded"
    OK = "ok"
    UNREACHABLE = "unreachable"

    def __str__(self) -> str:
        return str(self.value)
