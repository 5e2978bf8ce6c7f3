import { z } from 'zod';
import { parseDurationMs } from '../duration';

/**
 * The approval policy of a model spec (`approval` section). Defaults reproduce the original gate: one
 * approval from anyone, no deadline. People → roles come from the approver directory (config), not the spec.
 */
const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'a duration such as 90s, 15m, 2h, 7d');
const name = z.string().trim().min(1).max(100);

export const approvalStageSchema = z
  .object({
    /** Shown to approvers and in the audit, e.g. "ml-review", "risk". */
    name: z.string().regex(/^[a-z][a-z0-9-]{0,40}$/, 'lowercase letters, digits and dashes, starting with a letter'),
    /** People holding any of these roles (per the approver directory) may decide in this stage. */
    roles: z.array(name).default([]),
    /** People named directly, in addition to the roles. Both empty = anyone may decide. */
    approvers: z.array(name).default([]),
    /** Distinct approvals needed to pass the stage. */
    quorum: z.number().int().min(1).max(50).default(1),
  })
  .strict();

export const defaultApprovalStage = { name: 'approval', roles: [], approvers: [], quorum: 1 } as const;

export const approvalPolicySchema = z
  .object({
    /** Stages in order; a later stage opens only when the earlier one reached its quorum. */
    stages: z.array(approvalStageSchema).min(1).max(5).default([{ ...defaultApprovalStage, roles: [], approvers: [] }]),
    /** Whoever requested the run may not approve it (rejecting, the safe direction, stays allowed). */
    fourEyes: z.boolean().default(false),
    /** Every decision must carry an Ed25519 signature by the approver's registered key. */
    requireSignature: z.boolean().default(false),
    /** How long the gate waits for a verdict, e.g. "7d"; absent = forever. */
    timeout: duration.optional(),
    /** When to remind/escalate if still undecided (a log line and, when configured, a webhook). */
    escalateAfter: duration.optional(),
    /** Verdict at the deadline; "approve" deploys without people, so use it knowingly. */
    onTimeout: z.enum(['reject', 'approve']).default('reject'),
  })
  .strict()
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.stages.forEach((s, i) => {
      if (seen.has(s.name)) ctx.addIssue({ code: 'custom', message: `stage "${s.name}" is listed twice`, path: ['stages', i, 'name'] });
      seen.add(s.name);
    });
    if (p.timeout && p.escalateAfter && parseDurationMs(p.escalateAfter) >= parseDurationMs(p.timeout)) {
      ctx.addIssue({ code: 'custom', message: `escalateAfter (${p.escalateAfter}) must be shorter than timeout (${p.timeout})`, path: ['escalateAfter'] });
    }
  });

export type ApprovalStage = z.infer<typeof approvalStageSchema>;
export type ApprovalPolicy = z.infer<typeof approvalPolicySchema>;
export type ApprovalPolicyInput = z.input<typeof approvalPolicySchema>;
