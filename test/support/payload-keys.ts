import { randomBytes } from 'node:crypto';

/** A fresh AES-256 key entry `id:base64` for MLOPS_PAYLOAD_KEYS. */
export const newPayloadKey = (id: string): string => `${id}:${randomBytes(32).toString('base64')}`;
