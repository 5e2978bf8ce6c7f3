import { ed25519 } from '@noble/curves/ed25519';

/**
 * Decision signatures: Ed25519 over a canonical payload. Pure JavaScript (no Node crypto), so the workflow
 * verifies in its sandbox, deterministically, and an Update validator can refuse a forged decision at once.
 *
 * Canonical payload: compact JSON, keys in alphabetical order, `comment` omitted when absent:
 *   {"approver":"alice","comment":"ok","decision":"approve","model":"churn","version":3,"workflowId":"lifecycle-…"}
 * Binding the workflow id, model and version means a signature cannot be replayed on another gate.
 */
export interface SignedFields {
  readonly approver: string;
  readonly comment?: string;
  readonly decision: 'approve' | 'reject';
  readonly model: string;
  readonly version: number;
  readonly workflowId: string;
}

export function canonicalDecisionPayload(f: SignedFields): string {
  return JSON.stringify({
    approver: f.approver,
    ...(f.comment !== undefined ? { comment: f.comment } : {}),
    decision: f.decision,
    model: f.model,
    version: f.version,
    workflowId: f.workflowId,
  });
}

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes standard or URL-safe base64 (padding optional); null when malformed. No Buffer in the sandbox. */
export function decodeBase64(text: string): Uint8Array | null {
  const clean = text.trim().replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (clean.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let index = 0;
  for (const ch of clean) {
    const digit = alphabet.indexOf(ch);
    if (digit < 0) return null;
    value = (value << 6) | digit;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[index++] = (value >> bits) & 0xff;
    }
  }
  return out;
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** True when `signature` (base64) is the key's Ed25519 signature of the canonical payload (strict RFC 8032). */
export function verifyDecisionSignature(publicKey: string, fields: SignedFields, signature: string): boolean {
  const key = decodeBase64(publicKey);
  const sig = decodeBase64(signature);
  if (!key || key.length !== 32 || !sig || sig.length !== 64) return false;
  try {
    return ed25519.verify(sig, utf8(canonicalDecisionPayload(fields)), key, { zip215: false });
  } catch {
    return false; // a malformed point is a failed verification, not a crash
  }
}
