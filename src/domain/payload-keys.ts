/**
 * Payload encryption keys as configured: `id:base64key` entries (comma- or newline-separated), each key
 * 32 bytes (AES-256). The current key encrypts; every listed key decrypts, so old keys stay readable after a
 * rotation. Pure: no Node built-ins (`atob` is a global), so config parsing can validate keys.
 */
export interface PayloadKey {
  /** Written into each encrypted payload's metadata, so a reader knows which key to use. */
  readonly id: string;
  /** The 32 key bytes, base64. */
  readonly base64: string;
}

export const PAYLOAD_KEY_BYTES = 32;
const keyIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

function decodedLength(base64: string): number | undefined {
  try {
    return atob(base64).length;
  } catch {
    return undefined;
  }
}

/**
 * Parses a key list. Problems name the entry by position and key id, never by its secret part.
 * @returns the keys, or the problems found (then `keys` is empty).
 */
export function parsePayloadKeys(text: string): { keys: PayloadKey[]; problems: string[] } {
  const entries = text.split(/[,\n]/).map((e) => e.trim()).filter((e) => e && !e.startsWith('#'));
  const problems: string[] = [];
  const keys: PayloadKey[] = [];
  entries.forEach((entry, i) => {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    const base64 = entry.slice(colon + 1);
    if (!keyIdPattern.test(id)) problems.push(`entry ${i + 1}: expected "<key id>:<base64 key>", key id of [A-Za-z0-9._-]`);
    else if (decodedLength(base64) !== PAYLOAD_KEY_BYTES) problems.push(`key "${id}": not ${PAYLOAD_KEY_BYTES} bytes of base64`);
    else if (keys.some((k) => k.id === id)) problems.push(`key "${id}" is listed twice`);
    else keys.push({ id, base64 });
  });
  if (entries.length === 0) problems.push('no keys listed');
  return problems.length ? { keys: [], problems } : { keys, problems };
}

/** The key that encrypts: the one named by `currentId`, else the first listed. */
export function currentPayloadKey(keys: readonly PayloadKey[], currentId?: string): PayloadKey | undefined {
  return currentId === undefined ? keys[0] : keys.find((k) => k.id === currentId);
}
