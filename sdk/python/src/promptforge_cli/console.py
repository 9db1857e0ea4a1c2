"""Where `pf` writes: results on stdout, messages and progress on stderr (CI logs keep both)."""

from __future__ import annotations

from rich.console import Console

out = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, soft_wrap=True, highlight=False)
