"""Live project events for browsers and API clients over WebSocket (`GET /api/v1/ws`)."""
