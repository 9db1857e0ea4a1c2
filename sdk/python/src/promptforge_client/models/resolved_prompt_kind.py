from enum import StrEnum


class ResolvedPromptKind(StrEnum):
    CHAT = "chat"
    TEXT = "text"

    def __str__(self) -> str:
        return str(self.value)
