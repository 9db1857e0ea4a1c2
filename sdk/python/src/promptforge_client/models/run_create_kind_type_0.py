from enum import StrEnum


class RunCreateKindType0(StrEnum):
    CHAT = "chat"
    TEXT = "text"

    def __str__(self) -> str:
        return str(self.value)
