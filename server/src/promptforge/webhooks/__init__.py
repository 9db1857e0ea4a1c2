"""Webhooks: signed, durable delivery of project events to URLs that admins register (issue 14)."""
