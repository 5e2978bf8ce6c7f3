import { DecisionRefusedError, sendDecision, signedDecision, submitDecision } from '../../client';
import { decisionSchema, type DecisionKind } from '../../domain';
import { parseCommandArgs, requireString, UsageError } from '../args';
import type { Command } from '../command';

function decisionCommand(kind: DecisionKind): Command {
  return {
    name: kind,
    summary: `${kind} the candidate a lifecycle is waiting on (Update "decide"; --signal sends the "${kind}" signal)`,
    usage: `mlops ${kind} <workflowId> --as <name> [--comment <text>] [--key <ed25519 private key.pem>] [--signal] [--update-id <id>] [--json]`,
    async run(argv, ctx) {
      const { values, positionals } = parseCommandArgs(
        argv,
        { as: { type: 'string' }, comment: { type: 'string' }, key: { type: 'string' }, signal: { type: 'boolean' }, 'update-id': { type: 'string' } },
        ['workflowId'],
      );
      const workflowId = positionals[0] as string;
      const approver = requireString(values, 'as');
      const comment = values['comment'] as string | undefined;
      if (values['signal'] && values['update-id']) throw new UsageError('--update-id applies to the Update only, not with --signal');
      const client = await ctx.client();
      const raw = values['key']
        ? await signedDecision(client, workflowId, { kind, approver, keyFile: values['key'] as string, ...(comment !== undefined ? { comment } : {}) })
        : { approver, ...(comment !== undefined ? { comment } : {}) };
      const parsed = decisionSchema.safeParse(raw);
      if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join('; '));
      const decision = parsed.data;

      if (values['signal']) {
        await sendDecision(client, workflowId, kind, decision);
        if (values['json']) ctx.json({ workflowId, via: 'signal', decision });
        else ctx.out(`sent ${kind} for ${workflowId} as ${approver} (signal: refusals are recorded, not returned); check with: mlops status ${workflowId}`);
        return 0;
      }
      try {
        const result = await submitDecision(client, workflowId, { decision: kind, ...decision }, values['update-id'] as string | undefined);
        if (values['json']) ctx.json({ workflowId, via: 'update', ...result });
        else ctx.out(`${kind} by ${approver} accepted — ${result.message}`);
        return 0;
      } catch (err) {
        if (!(err instanceof DecisionRefusedError)) throw err;
        if (values['json']) ctx.json({ workflowId, via: 'update', accepted: false, code: err.code, reason: err.message });
        else ctx.out(`${kind} by ${approver} refused (${err.code}): ${err.message}`);
        return 1;
      }
    },
  };
}

export const approveCommand = decisionCommand('approve');
export const rejectCommand = decisionCommand('reject');
