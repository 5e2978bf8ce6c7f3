import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ApplicationFailure, type DataConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import {
  ConfigError,
  currentPayloadKey,
  FailureType,
  parsePayloadKeys,
  type AppConfig,
  type PayloadEncryptionConfig,
  type PayloadKey,
} from '../domain';

/** Encoding of an encrypted payload (metadata `encoding`), as in Temporal's encryption samples. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata entry naming the key that encrypted the payload. */
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = new TextEncoder();
const text = new TextDecoder();

/**
 * AES-256-GCM over the whole serialized payload (metadata and data), so the encoding and every byte of the
 * value are hidden; the key id travels in clear in the new payload's metadata and is bound as additional
 * authenticated data (a payload relabelled with another key id fails to decrypt). Data = IV ‖ ciphertext ‖ tag.
 * Payloads not marked `binary/encrypted` pass through on decode (histories written before encryption was on).
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(
    keys: readonly PayloadKey[],
    private readonly currentKeyId: string,
  ) {
    this.keys = new Map(keys.map((k) => [k.id, Buffer.from(k.base64, 'base64')]));
    if (!this.keys.has(currentKeyId)) throw new ConfigError([`MLOPS_PAYLOAD_KEY_ID: no key "${currentKeyId}" configured`]);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.keys.get(this.currentKeyId) as Buffer;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(utf8.encode(this.currentKeyId));
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: utf8.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8.encode(this.currentKeyId) }, data };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.['encoding'];
      if (!encoding || text.decode(encoding) !== ENCRYPTED_ENCODING) return payload;
      const idBytes = payload.metadata?.[KEY_ID_METADATA];
      const keyId = idBytes ? text.decode(idBytes) : '(none)';
      const key = this.keys.get(keyId);
      if (!key) {
        throw ApplicationFailure.create({
          type: FailureType.PayloadKeyUnknown,
          nonRetryable: true,
          message:
            `payload encrypted with key id "${keyId}", which is not configured here ` +
            `(keys: ${[...this.keys.keys()].join(', ')}); add it to MLOPS_PAYLOAD_KEYS as an old key`,
        });
      }
      const data = Buffer.from(payload.data ?? new Uint8Array());
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES)).setAAD(utf8.encode(keyId));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain) as Payload;
    });
  }
}

/** The configured keys: from the env list, or read now from the keys file. @throws ConfigError */
export function loadPayloadKeys(encryption: PayloadEncryptionConfig): readonly PayloadKey[] {
  if (!encryption.keysFile) return encryption.payloadKeys;
  let content: string;
  try {
    content = readFileSync(encryption.keysFile, 'utf8');
  } catch (err) {
    throw new ConfigError([`MLOPS_PAYLOAD_KEYS_FILE: cannot read ${encryption.keysFile} (${(err as NodeJS.ErrnoException).code})`]);
  }
  const { keys, problems } = parsePayloadKeys(content);
  if (problems.length) throw new ConfigError(problems.map((p) => `MLOPS_PAYLOAD_KEYS_FILE: ${p}`));
  return keys;
}

/** The codec the configuration asks for, or undefined when encryption is off. @throws ConfigError */
export function payloadCodecFor(config: Pick<AppConfig, 'encryption'>): AesGcmPayloadCodec | undefined {
  if (!config.encryption) return undefined;
  const keys = loadPayloadKeys(config.encryption);
  const current = currentPayloadKey(keys, config.encryption.currentKeyId);
  if (!current) throw new ConfigError([`MLOPS_PAYLOAD_KEY_ID: no key "${config.encryption.currentKeyId}" configured`]);
  return new AesGcmPayloadCodec(keys, current.id);
}

/**
 * The data converter of every Client and Worker: with encryption on, payloads go through the codec; off, the
 * SDK's defaults. Failure messages stay in clear (a failure converter would have to be bundled with the
 * workflow code): failures name settings and fields, not the values of decisions (docs/security.md).
 */
export function dataConverterFor(config: Pick<AppConfig, 'encryption'>): DataConverter {
  const codec = payloadCodecFor(config);
  return codec ? { payloadCodecs: [codec] } : {};
}
