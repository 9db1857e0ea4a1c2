"""Secrets at rest (provider API keys): AES-256-GCM under PF_ENCRYPTION_KEY, with key ids for rotation.

A stored secret is `kid:nonce:ciphertext` (nonce and ciphertext base64url). The 32-byte key is
derived from the setting with HKDF-SHA256, so any long random string works as PF_ENCRYPTION_KEY;
the key id is a short hash of the derived key, so it reveals nothing about the key. Old keys
(PF_ENCRYPTION_KEYS_OLD) still decrypt; `promptforge rotate-encryption-key` re-encrypts every
secret with the current key. A small encrypted canary in `system_setting` lets the server refuse
to start with a key that cannot read what is stored (see `check_encryption_key`).
"""

from __future__ import annotations

import base64
import hashlib
import os

import structlog
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from promptforge.core.config import ConfigurationError, Settings
from promptforge.core.db import utcnow
from promptforge.core.errors import DatabaseUnavailable
from promptforge.core.system import SystemSetting

log = structlog.get_logger("promptforge.encryption")

HKDF_SALT = b"promptforge/encryption/v1"
HKDF_INFO = b"promptforge secrets at rest"
CANARY_KEY = "encryption_canary"
CANARY_PLAINTEXT = "promptforge-encryption-canary"
CANARY_CONTEXT = "system_setting:encryption_canary"


class DecryptionError(Exception):
    """No configured key decrypts this value (wrong key, unknown key id, or tampered data)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class _Key:
    def __init__(self, secret: str) -> None:
        if not secret:
            raise ConfigurationError("PF_ENCRYPTION_KEY is empty")
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=HKDF_SALT, info=HKDF_INFO)
        raw = hkdf.derive(secret.encode())
        self.kid = hashlib.sha256(b"kid:" + raw).hexdigest()[:8]
        self.aead = AESGCM(raw)


class SecretBox:
    """Encrypts with the current key; decrypts with the current key or any previous one."""

    def __init__(self, current: str, previous: list[str] | None = None) -> None:
        self._current = _Key(current)
        self._keys = {self._current.kid: self._current}
        for secret in previous or []:
            key = _Key(secret)
            self._keys.setdefault(key.kid, key)

    @classmethod
    def from_settings(cls, settings: Settings) -> SecretBox:
        return cls(settings.encryption_key, settings.previous_encryption_keys)

    @property
    def kid(self) -> str:
        """The id of the key new secrets are encrypted with."""
        return self._current.kid

    def encrypt(self, plaintext: str, context: str) -> str:
        """`context` (e.g. the row it belongs to) is authenticated: a value moved elsewhere fails."""
        nonce = os.urandom(12)
        ciphertext = self._current.aead.encrypt(nonce, plaintext.encode(), self._aad(self.kid, context))
        return f"{self.kid}:{_b64(nonce)}:{_b64(ciphertext)}"

    def decrypt(self, token: str, context: str) -> str:
        try:
            kid, nonce, ciphertext = token.split(":")
            key = self._keys[kid]
            return key.aead.decrypt(_unb64(nonce), _unb64(ciphertext), self._aad(kid, context)).decode()
        except (ValueError, KeyError, InvalidTag):
            raise DecryptionError("the stored secret cannot be decrypted with the configured keys") from None

    def is_current(self, token: str) -> bool:
        return token.split(":", 1)[0] == self.kid

    def rotate(self, token: str, context: str) -> str:
        """The same secret encrypted with the current key (unchanged when it already is)."""
        return token if self.is_current(token) else self.encrypt(self.decrypt(token, context), context)

    @staticmethod
    def _aad(kid: str, context: str) -> bytes:
        return f"promptforge:{kid}:{context}".encode()


async def check_encryption_key(sessionmaker: async_sessionmaker[AsyncSession], box: SecretBox) -> None:
    """Refuse to start when the stored canary cannot be decrypted; write it when there is none yet.

    A database that cannot be reached (or is not migrated yet) is not this check's business:
    readiness reports it, and the check runs again at the next start.
    """
    try:
        async with sessionmaker() as session:
            row = await session.get(SystemSetting, CANARY_KEY)
            if row is None:
                session.add(
                    SystemSetting(
                        key=CANARY_KEY,
                        value=box.encrypt(CANARY_PLAINTEXT, CANARY_CONTEXT),
                        updated_at=utcnow(),
                    )
                )
                await session.commit()
                return
            stored = row.value
    except (SQLAlchemyError, OSError, DatabaseUnavailable) as exc:
        log.warning("encryption_key_not_checked", error=type(exc).__name__)
        return
    try:
        ok = box.decrypt(stored, CANARY_CONTEXT) == CANARY_PLAINTEXT
    except DecryptionError:
        ok = False
    if not ok:
        kid = stored.split(":", 1)[0]
        raise ConfigurationError(
            f"PF_ENCRYPTION_KEY cannot decrypt the stored secrets (they were written with key id {kid}, "
            f"the configured key has id {box.kid}). Set the key they were written with, or add it to "
            "PF_ENCRYPTION_KEYS_OLD and run `promptforge rotate-encryption-key`."
        )
    if not box.is_current(stored):
        log.warning(
            "encryption_key_rotation_pending", stored_kid=stored.split(":", 1)[0], current_kid=box.kid
        )


async def rotate_canary(session: AsyncSession, box: SecretBox) -> None:
    """Re-encrypt (or create) the canary with the current key, inside the caller's transaction."""
    row = (await session.scalars(select(SystemSetting).where(SystemSetting.key == CANARY_KEY))).first()
    if row is None:
        session.add(
            SystemSetting(
                key=CANARY_KEY, value=box.encrypt(CANARY_PLAINTEXT, CANARY_CONTEXT), updated_at=utcnow()
            )
        )
    else:
        row.value = box.rotate(row.value, CANARY_CONTEXT)
        row.updated_at = utcnow()
