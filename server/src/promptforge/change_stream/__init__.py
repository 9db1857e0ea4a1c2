"""The change stream for applications: prompt changes as Server-Sent Events (docs/change-stream.md)."""
