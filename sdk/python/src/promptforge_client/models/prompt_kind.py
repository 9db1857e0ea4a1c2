from enum import StrEnum


class PromptKind(StrEnum):
    CHAT = "chat"
    TEXT = "text"

    def __str__(self) -> str:
        return str(self.value)
