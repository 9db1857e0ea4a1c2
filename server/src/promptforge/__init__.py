"""Prompt-Forge: write, version, test, evaluate and serve LLM prompts."""

__version__ = "0.1.0"
