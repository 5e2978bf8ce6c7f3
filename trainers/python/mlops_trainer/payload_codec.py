"""Payload encryption, byte-compatible with the TypeScript codec (src/adapters/payload-codec.ts).

AES-256-GCM over the serialized Payload; encrypted payloads carry `encoding: binary/encrypted` and
`encryption-key-id` (bound as additional authenticated data); data = IV(12) | ciphertext | tag(16).
Keys come from the same settings as the TypeScript side: MLOPS_PAYLOAD_KEYS (`id:base64,...`) or
MLOPS_PAYLOAD_KEYS_FILE (one entry a line), MLOPS_PAYLOAD_KEY_ID (default: the first listed).

AES-GCM comes from the system's OpenSSL libcrypto through ctypes (the library Python's own ssl module links),
so the pinned venv needs no extra package.
"""

from __future__ import annotations

import base64
import binascii
import ctypes
import ctypes.util
import os
import re
from typing import Mapping, Optional, Sequence

from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec
from temporalio.exceptions import ApplicationError

ENCRYPTED_ENCODING = b"binary/encrypted"
KEY_ID_METADATA = "encryption-key-id"
PAYLOAD_KEY_UNKNOWN = "PayloadKeyUnknown"
_IV_BYTES, _TAG_BYTES, _KEY_BYTES = 12, 16, 32
_EVP_CTRL_GCM_GET_TAG, _EVP_CTRL_GCM_SET_TAG = 0x10, 0x11
_KEY_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class _Gcm:
    """AES-256-GCM via libcrypto's EVP interface."""

    def __init__(self) -> None:
        name = ctypes.util.find_library("crypto")
        if not name:
            raise RuntimeError("payload encryption needs OpenSSL's libcrypto (not found)")
        lib = ctypes.CDLL(name)
        lib.EVP_CIPHER_CTX_new.restype = ctypes.c_void_p
        lib.EVP_CIPHER_CTX_free.argtypes = [ctypes.c_void_p]
        lib.EVP_aes_256_gcm.restype = ctypes.c_void_p
        for fn in ("EVP_EncryptInit_ex", "EVP_DecryptInit_ex"):
            getattr(lib, fn).argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
        for fn in ("EVP_EncryptUpdate", "EVP_DecryptUpdate"):
            getattr(lib, fn).argtypes = [
                ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_int), ctypes.c_char_p, ctypes.c_int,
            ]
        for fn in ("EVP_EncryptFinal_ex", "EVP_DecryptFinal_ex"):
            getattr(lib, fn).argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_int)]
        lib.EVP_CIPHER_CTX_ctrl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_void_p]
        self._lib = lib

    def _run(self, encrypt: bool, key: bytes, iv: bytes, aad: bytes, data: bytes, tag: Optional[bytes]) -> bytes:
        lib, op = self._lib, "Encrypt" if encrypt else "Decrypt"
        ctx = lib.EVP_CIPHER_CTX_new()
        try:
            n = ctypes.c_int(0)
            if getattr(lib, f"EVP_{op}Init_ex")(ctx, lib.EVP_aes_256_gcm(), None, key, iv) != 1:
                raise ValueError("AES-GCM init failed")
            if getattr(lib, f"EVP_{op}Update")(ctx, None, ctypes.byref(n), aad, len(aad)) != 1:
                raise ValueError("AES-GCM AAD failed")
            out = ctypes.create_string_buffer(len(data) + 16)
            if getattr(lib, f"EVP_{op}Update")(ctx, out, ctypes.byref(n), data, len(data)) != 1:
                raise ValueError("AES-GCM update failed")
            written = n.value
            if tag is not None:
                tag_buf = ctypes.create_string_buffer(tag, len(tag))
                lib.EVP_CIPHER_CTX_ctrl(ctx, _EVP_CTRL_GCM_SET_TAG, len(tag), tag_buf)
            final = ctypes.c_int(0)
            tail = ctypes.cast(ctypes.addressof(out) + written, ctypes.c_void_p)
            if getattr(lib, f"EVP_{op}Final_ex")(ctx, tail, ctypes.byref(final)) != 1:
                raise ValueError("payload could not be decrypted: unable to authenticate data")
            result = out.raw[: written + final.value]
            if encrypt:
                tag_out = ctypes.create_string_buffer(_TAG_BYTES)
                lib.EVP_CIPHER_CTX_ctrl(ctx, _EVP_CTRL_GCM_GET_TAG, _TAG_BYTES, tag_out)
                result += tag_out.raw
            return result
        finally:
            lib.EVP_CIPHER_CTX_free(ctx)

    def encrypt(self, key: bytes, iv: bytes, aad: bytes, plain: bytes) -> bytes:
        return self._run(True, key, iv, aad, plain, None)

    def decrypt(self, key: bytes, iv: bytes, aad: bytes, cipher: bytes, tag: bytes) -> bytes:
        return self._run(False, key, iv, aad, cipher, tag)


def parse_payload_keys(text: str) -> dict[str, bytes]:
    """`id:base64` entries separated by commas or newlines; problems name the key id, never the key."""
    keys: dict[str, bytes] = {}
    entries = [e.strip() for e in re.split(r"[,\n]", text) if e.strip() and not e.strip().startswith("#")]
    for i, entry in enumerate(entries, 1):
        key_id, _, b64 = entry.partition(":")
        if not _KEY_ID.match(key_id):
            raise ValueError(f"payload keys: entry {i}: expected \"<key id>:<base64 key>\"")
        try:
            key = base64.b64decode(b64, validate=True)
        except binascii.Error:
            key = b""
        if len(key) != _KEY_BYTES or key_id in keys:
            raise ValueError(f"payload keys: key \"{key_id}\" is not {_KEY_BYTES} bytes of base64 or is listed twice")
        keys[key_id] = key
    if not keys:
        raise ValueError("payload keys: no keys listed")
    return keys


class AesGcmPayloadCodec(PayloadCodec):
    def __init__(self, keys: Mapping[str, bytes], current_key_id: str) -> None:
        if current_key_id not in keys:
            raise ValueError(f"MLOPS_PAYLOAD_KEY_ID: no key \"{current_key_id}\" configured")
        self._keys, self._current, self._gcm = dict(keys), current_key_id, _Gcm()

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._encrypt(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._decrypt(p) for p in payloads]

    def _encrypt(self, payload: Payload) -> Payload:
        iv, key_id = os.urandom(_IV_BYTES), self._current
        sealed = self._gcm.encrypt(self._keys[key_id], iv, key_id.encode(), payload.SerializeToString())
        return Payload(metadata={"encoding": ENCRYPTED_ENCODING, KEY_ID_METADATA: key_id.encode()}, data=iv + sealed)

    def _decrypt(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCRYPTED_ENCODING:
            return payload  # written before encryption was on
        key_id = payload.metadata.get(KEY_ID_METADATA, b"(none)").decode()
        key = self._keys.get(key_id)
        if key is None:
            raise ApplicationError(
                f"payload encrypted with key id \"{key_id}\", which is not configured here "
                f"(keys: {', '.join(self._keys)}); add it to MLOPS_PAYLOAD_KEYS as an old key",
                type=PAYLOAD_KEY_UNKNOWN,
                non_retryable=True,
            )
        data = payload.data
        plain = self._gcm.decrypt(key, data[:_IV_BYTES], key_id.encode(), data[_IV_BYTES:-_TAG_BYTES], data[-_TAG_BYTES:])
        return Payload.FromString(plain)


def codec_from_env(env: Mapping[str, str]) -> Optional[AesGcmPayloadCodec]:
    """The codec the environment asks for (same settings as the TypeScript processes), or None when off."""
    listed, path = env.get("MLOPS_PAYLOAD_KEYS"), env.get("MLOPS_PAYLOAD_KEYS_FILE")
    if listed is None and path is None:
        return None
    if listed is None:
        with open(path or "", encoding="utf-8") as f:
            listed = f.read()
    keys = parse_payload_keys(listed)
    return AesGcmPayloadCodec(keys, env.get("MLOPS_PAYLOAD_KEY_ID") or next(iter(keys)))
