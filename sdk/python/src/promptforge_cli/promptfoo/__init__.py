"""promptfoo configs run on Prompt-Forge: read the config (config.py), map it onto a project (plan.py)."""
