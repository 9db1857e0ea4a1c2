from enum import StrEnum


class LangfuseCreatePromptRequestTypeType0(StrEnum):
    CHAT = "chat"
    TEXT = "text"

    def __str__(self) -> str:
        return str(self.value)
