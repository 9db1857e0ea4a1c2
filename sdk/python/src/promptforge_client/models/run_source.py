from enum import StrEnum


class RunSource(StrEnum):
    GATEWAY = "gateway"
    PLAYGROUND = "playground"

    def __str__(self) -> str:
        return str(self.value)
