from enum import StrEnum


class RunsListSourceType0(StrEnum):
    GATEWAY = "gateway"
    PLAYGROUND = "playground"

    def __str__(self) -> str:
        return str(self.value)
