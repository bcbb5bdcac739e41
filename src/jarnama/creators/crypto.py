"""Encryption of creators' personal data (IIN/BIN, card numbers, IBANs) at rest.

Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) with keys derived by HKDF-SHA256 from
the configured secrets; MultiFernet decrypts with every key and encrypts with the first, so a
key is rotated by prepending a new secret. A keyed blind index (HMAC-SHA256) lets a value be
found or kept unique without decrypting anything.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from jarnama.config import Settings
from jarnama.core.errors import ConfigurationError


def _derive(secret: str, purpose: bytes) -> bytes:
    """32 key bytes for one purpose from a configured secret."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"jarnama-creators-v1", info=purpose
    ).derive(secret.encode())


@dataclass(frozen=True)
class PiiCipher:
    """Encrypts, decrypts and blind-indexes personal data with the configured keys."""

    fernet: MultiFernet
    index_key: bytes

    @classmethod
    def from_settings(cls, settings: Settings) -> PiiCipher:
        """The cipher for an install's `creators.encryption_key` (and previous keys)."""
        current = settings.creators.encryption_key or settings.auth.secret_key
        secrets = [current, *settings.creators.previous_encryption_keys]
        keys = [
            Fernet(base64.urlsafe_b64encode(_derive(s.get_secret_value(), b"fernet")))
            for s in secrets
        ]
        return cls(MultiFernet(keys), _derive(current.get_secret_value(), b"blind-index"))

    def encrypt(self, plaintext: str) -> str:
        """The Fernet token of a text (random IV: equal inputs give different tokens)."""
        return self.fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, token: str) -> str:
        """The text of a token made with any configured key."""
        try:
            return self.fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise ConfigurationError(
                "stored personal data cannot be decrypted with the configured "
                "creators.encryption_key / previous_encryption_keys"
            ) from exc

    def blind_index(self, value: str) -> str:
        """A keyed hash of a value: equal values match, the value cannot be recovered."""
        return hmac.new(self.index_key, value.encode(), hashlib.sha256).hexdigest()
