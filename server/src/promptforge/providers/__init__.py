"""LLM provider connections, adapters over the official SDKs, and model pricing."""
