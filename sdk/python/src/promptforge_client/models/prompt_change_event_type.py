from enum import StrEnum


class PromptChangeEventType(StrEnum):
    LABEL_MOVED = "label.moved"
    LABEL_REMOVED = "label.removed"
    PROMPT_VERSION_CREATED = "prompt.version.created"

    def __str__(self) -> str:
        return str(self.value)
