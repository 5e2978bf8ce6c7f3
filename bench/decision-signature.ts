/**
 * Cost of verifying a decision signature inside the workflow sandbox (pure-JS Ed25519, @noble/curves)
 * against Node's native crypto on the same signatures, measured in the same run.
 * Run: npx tsc -p . && node dist/bench/decision-signature.js
 */
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { canonicalDecisionPayload, verifyDecisionSignature, type SignedFields } from '../src/domain';

const N = 300;
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url').toString('base64');
const fields: SignedFields[] = Array.from({ length: N }, (_, i) => ({ approver: `approver-${i}`, decision: 'approve', model: 'churn', version: i + 1, workflowId: `lifecycle-churn-${i}` }));
const signatures = fields.map((f) => sign(null, Buffer.from(canonicalDecisionPayload(f)), privateKey).toString('base64'));
const nativeKey = createPublicKey(publicKey.export({ type: 'spki', format: 'pem' }));

function time(label: string, fn: (i: number) => boolean): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < N; i++) if (!fn(i)) throw new Error(`${label}: signature ${i} did not verify`);
  return Number(process.hrtime.bigint() - started) / 1e6 / N;
}

const first = process.hrtime.bigint();
verifyDecisionSignature(raw, fields[0] as SignedFields, signatures[0] as string); // builds the precomputed tables once per isolate
const coldMs = Number(process.hrtime.bigint() - first) / 1e6;
const native = time('node:crypto', (i) => verify(null, Buffer.from(canonicalDecisionPayload(fields[i] as SignedFields)), nativeKey, Buffer.from(signatures[i] as string, 'base64')));
const pure = time('pure JS', (i) => verifyDecisionSignature(raw, fields[i] as SignedFields, signatures[i] as string));
console.log(`Ed25519 decision verification, ${N} signatures`);
console.log(`  node:crypto (baseline, not usable in the sandbox): ${native.toFixed(3)} ms/verify`);
console.log(`  pure JS in-workflow (@noble/curves):               ${pure.toFixed(3)} ms/verify (first call ${coldMs.toFixed(0)} ms)`);
console.log(`  ratio pure/native: ${(pure / native).toFixed(1)}×`);
