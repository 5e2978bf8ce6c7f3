import { z } from 'zod';

/**
 * Decision payloads, as sent on the wire. Signals `approve` / `reject` carry `DecisionPayload`; the Update
 * `decide` carries `DecideRequest` (the same fields plus `decision`). Unknown fields are refused.
 */
export const decisionKinds = ['approve', 'reject'] as const;
export type DecisionKind = (typeof decisionKinds)[number];

export const decisionSchema = z
  .object({
    approver: z.string().trim().min(1, 'approver is required').max(200),
    comment: z.string().max(2000).optional(),
    /** Base64 Ed25519 signature of the canonical payload (see signing.ts); required when the policy says so. */
    signature: z.string().regex(/^[A-Za-z0-9+/_-]{43,120}={0,2}$/, 'base64 Ed25519 signature').optional(),
  })
  .strict();

export type Decision = z.infer<typeof decisionSchema>;

export const decideRequestSchema = decisionSchema.extend({ decision: z.enum(decisionKinds) }).strict();
export type DecideRequest = z.infer<typeof decideRequestSchema>;

/** Why a decision changed nothing. Stable codes for clients; the message says it in words. */
export const refusalCodes = [
  'malformed',
  'not-open',
  'closed',
  'unknown-approver',
  'unsigned',
  'no-key',
  'bad-signature',
  'four-eyes',
  'not-eligible',
  'duplicate',
  'separation-of-stages',
] as const;
export type RefusalCode = (typeof refusalCodes)[number];

export interface Refusal {
  readonly code: RefusalCode;
  readonly message: string;
}

/** How a decision reached the workflow. */
export type DecisionChannel = 'signal' | 'update' | 'deadline' | 'policy';

/** The Update's answer to an accepted decision. */
export interface DecideResult {
  readonly accepted: true;
  readonly gate: 'open' | 'approved' | 'rejected';
  readonly stage: string;
  readonly approvals: number;
  readonly quorum: number;
  readonly message: string;
}
