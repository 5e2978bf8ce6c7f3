import { parseCommandArgs } from '../args';
import type { Command } from '../command';
import { table } from '../format';

const summarize = (details: Record<string, unknown>): string => {
  const { decision, reason, comment, outcome, stage, via, fromVersion, toVersion, webhookStatus, code } = details as Record<string, string | number | null | undefined>;
  const parts = [
    decision,
    stage !== undefined ? `stage ${stage}` : undefined,
    via,
    outcome,
    code,
    reason,
    comment !== undefined ? `"${comment}"` : undefined,
    toVersion !== undefined ? `v${fromVersion ?? '–'} → v${toVersion}` : undefined,
    webhookStatus !== undefined ? `webhook ${webhookStatus ?? 'not configured'}` : undefined,
  ];
  return parts.filter((p) => p !== undefined && p !== null && p !== '').join(', ');
};

export const auditCommand: Command = {
  name: 'audit',
  summary: 'export the append-only audit trail (requests, decisions, escalations, alias moves, deployments)',
  usage: 'mlops audit [--model <name>] [--workflow <workflowId>] [--json]',
  async run(argv, ctx) {
    const { values } = parseCommandArgs(argv, { model: { type: 'string' }, workflow: { type: 'string' } }, []);
    const events = await (await ctx.registry()).audit.list({
      ...(values['model'] ? { model: values['model'] as string } : {}),
      ...(values['workflow'] ? { workflowId: values['workflow'] as string } : {}),
    });
    if (values['json']) {
      ctx.json(events);
      return 0;
    }
    if (!events.length) {
      ctx.out('no audit events recorded');
      return 0;
    }
    ctx.out(table(['at', 'event', 'model', 'version', 'actor', 'what', 'workflow'], events.map((e) => [e.at, e.kind, e.model, e.version, e.actor, summarize(e.details), e.workflowId])));
    return 0;
  },
};
