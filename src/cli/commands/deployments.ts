import type { DeploymentRow } from '../../domain';
import type { RolloutStep } from '../../domain';
import { parseCommandArgs } from '../args';
import type { Command } from '../command';
import { table } from '../format';

const stepText = (s: RolloutStep): string => {
  const mark = !s.report ? '' : s.report.verdict === 'pass' ? '✓' : '✗';
  return `${s.mode === 'canary' ? `${s.percent}%` : s.mode}${mark}`;
};

const line = (d: DeploymentRow) => [
  d.id,
  d.kind,
  d.strategy,
  `v${d.fromVersion ?? '–'} → v${d.toVersion}`,
  d.state,
  d.steps.map(stepText).join(' '),
  d.actor,
  d.startedAt,
  d.finishedAt,
  d.outcomeReason ?? d.reason,
];

export const deploymentsCommand: Command = {
  name: 'deployments',
  summary: "list a model's deployments (releases, rollouts, rollbacks) and its production alias history",
  usage: 'mlops deployments <model> [--json]',
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs(argv, {}, ['model']);
    const model = positionals[0] as string;
    const registry = await ctx.registry();
    const deployments = await registry.deployments.list(model);
    const aliasHistory = await registry.aliasHistory(model);
    if (values['json']) {
      ctx.json({ model, production: (await registry.findByAlias(model, 'production'))?.version ?? null, deployments, aliasHistory });
      return 0;
    }
    if (!deployments.length && !aliasHistory.length) {
      ctx.out(`no deployments of ${model} yet`);
      return 0;
    }
    ctx.out(table(['#', 'kind', 'strategy', 'versions', 'state', 'steps', 'actor', 'started', 'finished', 'reason / outcome'], deployments.map(line)));
    ctx.out('\nproduction alias history:');
    ctx.out(table(['moved at', 'from', 'to', 'actor', 'workflow', 'reason'], aliasHistory.map((h) => [h.movedAt, h.fromVersion, h.toVersion, h.actor, h.workflowId, h.reason])));
    return 0;
  },
};
