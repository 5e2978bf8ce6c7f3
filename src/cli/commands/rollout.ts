import { userInfo } from 'node:os';
import { queryDeployment, sendRolloutCommand } from '../../client';
import { rolloutCommandSchema, type RolloutCommandKind } from '../../domain';
import { parseCommandArgs, UsageError } from '../args';
import type { Command } from '../command';

const actions = ['pause', 'resume', 'abort', 'promote', 'status'] as const;

export const rolloutCommand: Command = {
  name: 'rollout',
  summary: "steer a model's running rollout: pause, resume, abort, promote (a shadow awaiting a decision) or status",
  usage: 'mlops rollout <pause|resume|abort|promote|status> <model> [--as <name>] [--reason <text>] [--json]',
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs(argv, { as: { type: 'string' }, reason: { type: 'string' } }, ['action', 'model']);
    const action = positionals[0] as (typeof actions)[number];
    if (!actions.includes(action)) throw new UsageError(`unknown action "${action}" (${actions.join(', ')})`);
    const model = positionals[1] as string;
    const running = await (await ctx.registry()).deployments.running(model);
    if (!running) throw new Error(`no deployment of ${model} is running (history: mlops deployments ${model})`);
    const client = await ctx.client();
    if (action !== 'status') {
      const parsed = rolloutCommandSchema.safeParse({ actor: (values['as'] as string | undefined) ?? userInfo().username, ...(values['reason'] ? { reason: values['reason'] } : {}) });
      if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join('; '));
      await sendRolloutCommand(client, running.workflowId, action as RolloutCommandKind, parsed.data);
    }
    const status = await queryDeployment(client, running.workflowId);
    if (values['json']) {
      ctx.json({ workflowId: running.workflowId, ...(action !== 'status' ? { sent: action } : {}), status });
      return 0;
    }
    if (action !== 'status') ctx.out(`sent ${action} to ${running.workflowId}`);
    const step = status.steps[status.steps.length - 1];
    ctx.out(`${model} v${status.fromVersion ?? '–'} → v${status.toVersion} (${status.strategy}): ${status.state}${status.paused ? ', PAUSED' : ''}${step?.percent ? `, ${step.percent} % on the candidate` : ''}`);
    const last = status.events[status.events.length - 1];
    if (last) ctx.out(`last command: ${last.kind} by ${last.actor}${last.accepted ? '' : ` — refused: ${last.note}`}`);
    return 0;
  },
};
