from enum import StrEnum


class ExportedPromptKind(StrEnum):
    CHAT = "chat"
    TEXT = "text"

    def __str__(self) -> str:
        return str(self.value)
