import { ApplicationFailure } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, payloadCodecFor } from '../../src/adapters';
import { ConfigError, FailureType, parseConfig, parsePayloadKeys, type PayloadKey } from '../../src/domain';
import { newPayloadKey } from '../support/payload-keys';

const keyA = newPayloadKey('key-a');
const keyB = newPayloadKey('key-b');
const keysOf = (list: string): PayloadKey[] => parsePayloadKeys(list).keys;
const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');
const secretValue = { approver: 'alice-the-approver', comment: 'ship it, nobody will notice' };

test('a payload is encrypted (no plaintext, key id in metadata) and decrypts to the original', async () => {
  const codec = new AesGcmPayloadCodec(keysOf(keyA), 'key-a');
  const payload = defaultPayloadConverter.toPayload(secretValue);
  const [encoded] = await codec.encode([payload]);
  expect(text(encoded?.metadata?.['encoding'])).toBe(ENCRYPTED_ENCODING);
  expect(text(encoded?.metadata?.[KEY_ID_METADATA])).toBe('key-a');
  expect(Buffer.from(encoded?.data ?? []).includes('alice')).toBe(false);
  expect(Buffer.from(encoded?.data ?? []).includes('json/plain')).toBe(false);
  const [decoded] = await codec.decode([encoded!]);
  expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(secretValue);
});

test('rotation: written with key A, read after B became current with A kept as an old key', async () => {
  const before = new AesGcmPayloadCodec(keysOf(keyA), 'key-a');
  const [old] = await before.encode([defaultPayloadConverter.toPayload(secretValue)]);
  const after = payloadCodecFor(parseConfig({ MLOPS_PAYLOAD_KEYS: `${keyB},${keyA}` }))!;
  const [fresh] = await after.encode([defaultPayloadConverter.toPayload(1)]);
  expect(text(fresh?.metadata?.[KEY_ID_METADATA])).toBe('key-b');
  const decoded = await after.decode([old!, fresh!]);
  expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([secretValue, 1]);
});

test('an unknown key id fails with PayloadKeyUnknown naming the key id; a relabelled payload fails to decrypt', async () => {
  const [encoded] = await new AesGcmPayloadCodec(keysOf(keyA), 'key-a').encode([defaultPayloadConverter.toPayload(1)]);
  const onlyB = new AesGcmPayloadCodec(keysOf(keyB), 'key-b');
  const failure = await onlyB.decode([encoded!]).catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(ApplicationFailure);
  expect(failure).toMatchObject({ type: FailureType.PayloadKeyUnknown, nonRetryable: true });
  expect((failure as Error).message).toMatch(/key id "key-a", which is not configured here \(keys: key-b\)/);
  // Same key bytes under another id: the key id is authenticated data, so the tag check fails.
  const relabelled = new AesGcmPayloadCodec(keysOf(`key-c:${keyA.split(':')[1]}`), 'key-c');
  const moved = { ...encoded!, metadata: { ...encoded!.metadata, [KEY_ID_METADATA]: Buffer.from('key-c') } };
  await expect(relabelled.decode([moved])).rejects.toThrow(/unable to authenticate/);
});

test('payloads written before encryption was on pass through decode', async () => {
  const plain = defaultPayloadConverter.toPayload({ a: 1 });
  const [decoded] = await new AesGcmPayloadCodec(keysOf(keyA), 'key-a').decode([plain]);
  expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual({ a: 1 });
});

test('key config: off by default; MLOPS_PAYLOAD_KEY_ID picks the current key; bad lists are refused without echoing keys', () => {
  expect(parseConfig({}).encryption).toBeUndefined();
  expect(payloadCodecFor(parseConfig({}))).toBeUndefined();
  const config = parseConfig({ MLOPS_PAYLOAD_KEYS: `${keyA},${keyB}`, MLOPS_PAYLOAD_KEY_ID: 'key-b' });
  expect(config.encryption?.currentKeyId).toBe('key-b');
  expect(() => parseConfig({ MLOPS_PAYLOAD_KEYS: keyA, MLOPS_PAYLOAD_KEY_ID: 'key-z' })).toThrow(/no key "key-z"/);
  expect(() => parseConfig({ MLOPS_PAYLOAD_KEY_ID: 'key-a' })).toThrow(ConfigError);
  const shortKey = `short:${Buffer.from('sixteen-byte-key').toString('base64')}`;
  for (const bad of [shortKey, `${keyA},${keyA}`, 'no-colon-here', `bad id!:${keyA.split(':')[1]}`]) {
    const message = (() => {
      try {
        parseConfig({ MLOPS_PAYLOAD_KEYS: bad });
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(message).toMatch(/MLOPS_PAYLOAD_KEYS/);
    expect(message).not.toContain(keyA.split(':')[1]);
    expect(message).not.toContain(shortKey.split(':')[1]);
  }
});

test('mlops codec-server refuses to start without keys or without a token (exit 3, the setting named)', async () => {
  const { runCli } = await import('../../src/cli/main');
  const saved = { ...process.env };
  try {
    for (const [env, expected] of [
      [{}, /MLOPS_PAYLOAD_KEYS: payload encryption is off/],
      [{ MLOPS_PAYLOAD_KEYS: keyA }, /MLOPS_CODEC_TOKEN: required by the codec server/],
    ] as const) {
      delete process.env['MLOPS_PAYLOAD_KEYS'];
      delete process.env['MLOPS_CODEC_TOKEN'];
      Object.assign(process.env, env);
      let err = '';
      const code = await runCli(['codec-server'], () => undefined, (s) => (err += s));
      expect({ code, err }).toEqual({ code: 3, err: expect.stringMatching(expected) });
    }
  } finally {
    process.env = saved;
  }
});
