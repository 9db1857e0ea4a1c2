"""The shapes of prompt and label names: one definition for the API schemas and the template checks."""

PROMPT_NAME = r"^[a-z0-9][a-z0-9._-]{0,127}$"
LABEL_NAME = r"^[a-z0-9][a-z0-9._-]{0,63}$"
