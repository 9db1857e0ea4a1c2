"""`pf`: Prompt-Forge from the command line and CI (prompts as code, datasets, evaluations as a gate)."""
