"""The OpenAI-compatible gateway: managed prompts served to any OpenAI client (docs/gateway.md)."""
