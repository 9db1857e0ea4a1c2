"""Project API keys: the model, its CRUD and authentication by secret."""
