import { buildTimeline, workflowUiLink } from '../../domain';
import { parseCommandArgs } from '../args';
import type { Command } from '../command';
import { table } from '../format';

export const timelineCommand: Command = {
  name: 'timeline',
  summary: "a model's whole story in time order: versions, decisions, alias moves, tag changes, deployments, " +
    'monitor reports',
  usage: 'mlops timeline <model> [--json]',
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs(argv, {}, ['model']);
    const model = positionals[0] as string;
    const registry = await ctx.registry();
    const entries = buildTimeline({
      versions: await registry.listVersions(model),
      audit: await registry.audit.list({ model }),
      aliasMoves: await registry.aliasMoves(model),
      tagChanges: await registry.tags.history(model),
      deployments: await registry.deployments.list(model),
      reports: await registry.monitoring.listReports(model, 10_000),
    }).map((e) => ({ ...e, ui: e.workflowId ? workflowUiLink(ctx.config, e.workflowId, e.runId ?? undefined) : null }));
    if (values['json']) {
      ctx.json({ model, entries });
      return 0;
    }
    if (!entries.length) {
      ctx.out(`nothing recorded for ${model}`);
      return 0;
    }
    const rows = entries.map((e) => [e.at, e.kind, e.version, e.actor, e.summary]);
    ctx.out(table(['when', 'what', 'version', 'who', 'summary'], rows));
    const runs = [...new Map(entries.filter((e) => e.ui).map((e) => [e.workflowId, e.ui])).entries()];
    ctx.out(`\nruns in the web UI:\n${runs.map(([id, ui]) => `  ${id}  ${ui}`).join('\n')}`);
    return 0;
  },
};
