import { sendDecision } from '../../client';
import { decisionSchema } from '../../domain';
import { parseCommandArgs, requireString, UsageError } from '../args';
import type { Command } from '../command';

function decisionCommand(kind: 'approve' | 'reject'): Command {
  return {
    name: kind,
    summary: `${kind} the candidate a lifecycle is waiting on (sends the "${kind}" signal)`,
    usage: `mlops ${kind} <workflowId> --as <name> [--comment <text>] [--json]`,
    async run(argv, ctx) {
      const { values, positionals } = parseCommandArgs(argv, { as: { type: 'string' }, comment: { type: 'string' } }, ['workflowId']);
      const parsed = decisionSchema.safeParse({ approver: requireString(values, 'as'), ...(values['comment'] ? { comment: values['comment'] } : {}) });
      if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join('; '));
      const workflowId = positionals[0] as string;
      await sendDecision(await ctx.client(), workflowId, kind, parsed.data);
      if (values['json']) ctx.json({ workflowId, signal: kind, decision: parsed.data });
      else ctx.out(`sent ${kind} for ${workflowId} as ${parsed.data.approver}; check the outcome with: mlops status ${workflowId}`);
      return 0;
    },
  };
}

export const approveCommand = decisionCommand('approve');
export const rejectCommand = decisionCommand('reject');
