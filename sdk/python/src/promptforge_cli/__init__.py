"""The `pf` command (hand-written; promptforge_client is the generated API client)."""
