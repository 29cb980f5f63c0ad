"""Encrypt authenticator-app secrets at rest (Fernet: AES-128-CBC with an HMAC)."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["SecretBox", "InvalidToken"]


class SecretBox:
    """Seal and open short secrets with a key derived from the configured one."""

    def __init__(self, key_material: str):
        if not key_material:
            raise ValueError("a key is needed to encrypt second-factor secrets")
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                       info=b"feedback: authenticator app secrets").derive(key_material.encode("utf-8"))
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode("utf-8")).decode("ascii")

    def open(self, sealed: str) -> str:
        return self._fernet.decrypt(sealed.encode("ascii")).decode("utf-8")
