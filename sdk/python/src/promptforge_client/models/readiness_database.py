from enum import StrEnum


class ReadinessDatabase(StrEnum):
    MIGRATIONS_PENDING = "migrations_pending"
    OK = "ok"
    UNREACHABLE = "unreachable"

    def __str__(self) -> str:
        return str(self.value)
