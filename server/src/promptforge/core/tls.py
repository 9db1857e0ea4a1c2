"""HTTPS for `promptforge serve`: TLS 1.3 only, from one certificate chain and its key (PF_TLS_CERT/KEY)."""

from __future__ import annotations

import ssl
from collections.abc import Callable
from pathlib import Path
from typing import Any


class TLSConfigError(ValueError):
    """The certificate or key cannot be used; the message names the file and the reason."""


def check_tls_files(cert: Path | None, key: Path | None) -> tuple[str, str] | None:
    """(cert, key) as strings after loading them once, None for plain HTTP; TLSConfigError otherwise.

    Loaded here, before uvicorn starts, so a wrong path or a key that does not match the
    certificate is one clear line at startup rather than a traceback in every worker.
    """
    if cert is None and key is None:
        return None
    if cert is None or key is None:
        raise TLSConfigError("--tls-cert and --tls-key (PF_TLS_CERT, PF_TLS_KEY) go together: set both")
    for what, path in (("certificate", cert), ("key", key)):
        if not path.is_file():
            raise TLSConfigError(f"TLS {what} {path}: no such file")
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(str(cert), str(key))
    except (ssl.SSLError, OSError) as exc:
        raise TLSConfigError(f"TLS certificate {cert} with key {key} cannot be used: {exc}") from None
    return str(cert), str(key)


def tls13_only(config: Any, default_factory: Callable[[], ssl.SSLContext]) -> ssl.SSLContext:
    """uvicorn's `ssl_context_factory`: its context, refusing every protocol below TLS 1.3.

    uvicorn's `ssl_version` picks a protocol family, not a floor; `minimum_version` is the floor.
    A module-level function, so it reaches `--workers` processes by pickling.
    """
    context = default_factory()
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    return context
