"""The Langfuse-compatible prompt API under /api/public: the official Langfuse SDKs work unchanged."""
