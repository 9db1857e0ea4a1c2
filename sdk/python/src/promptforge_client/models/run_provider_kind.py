from enum import StrEnum


class RunProviderKind(StrEnum):
    ANTHROPIC = "anthropic"
    ECHO = "echo"
    OPENAI = "openai"
    OPENAI_COMPATIBLE = "openai_compatible"

    def __str__(self) -> str:
        return str(self.value)
