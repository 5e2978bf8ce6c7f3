import { userInfo } from 'node:os';
import { deploymentHandle, startRollback } from '../../client';
import { previousProductionVersion, workflowUiLink, type DeploymentLedger } from '../../domain';
import { parseCommandArgs, UsageError } from '../args';
import type { Command } from '../command';
import type { CliContext } from '../context';

/**
 * The live deployment this rollback will queue behind, if any — read only: rows of workflows that ended
 * without an outcome are closed by the rollback's own deployment workflow, not by the CLI.
 */
async function liveDeploymentAhead(ctx: CliContext, store: DeploymentLedger, model: string): Promise<string | null> {
  const rows = [await store.running(model), ...(await store.queued(model))].filter((r) => r !== null);
  for (const row of rows) {
    const execution = await deploymentHandle(await ctx.client(), row.workflowId)
      .describe()
      .then((d) => d.status.name)
      .catch(() => 'NOT_FOUND');
    if (execution === 'RUNNING') return `deployment #${row.id} (${row.kind} of v${row.toVersion}, ${row.state}, workflow ${row.workflowId})`;
  }
  return null;
}

export const rollbackCommand: Command = {
  name: 'rollback',
  summary: 'move production back to an earlier version (default: the previous one), through the deployment workflow',
  usage: 'mlops rollback <model> [--to <version>] [--as <name>] [--reason <text>] [--json]',
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs(argv, { to: { type: 'string' }, as: { type: 'string' }, reason: { type: 'string' } }, ['model']);
    const model = positionals[0] as string;
    const registry = await ctx.registry();
    const current = await registry.findByAlias(model, 'production');
    if (!current) throw new Error(`no version of ${model} is in production`);
    let target: number | null;
    if (values['to'] !== undefined) {
      target = Number(values['to']);
      if (!Number.isInteger(target) || target < 1) throw new UsageError(`--to must be a version number, got "${String(values['to'])}"`);
    } else {
      target = previousProductionVersion(await registry.aliasHistory(model), current.version);
      if (target === null) throw new Error(`${model} v${current.version} is the first version ever in production; name a version with --to`);
    }
    if (target === current.version) throw new Error(`${model} v${target} is already in production`);
    await registry.getVersion(model, target);
    const ahead = await liveDeploymentAhead(ctx, registry.deployments, model);

    const actor = (values['as'] as string | undefined) ?? userInfo().username;
    const reason = (values['reason'] as string | undefined) ?? `rollback from v${current.version} to v${target}`;
    const handle = await startRollback(await ctx.client(), ctx.config, { model, version: target, actor, reason });
    const ui = workflowUiLink(ctx.config, handle.workflowId, handle.firstExecutionRunId);
    if (!values['json']) ctx.out(`rolling ${model} back from v${current.version} to v${target}\n  workflow: ${handle.workflowId}\n  web UI:   ${ui}`);
    if (!values['json'] && ahead) {
      ctx.out(`  queued:   deployments of ${model} run one at a time; this one waits for ${ahead}`);
    }
    const result = await handle.result();
    if (values['json']) ctx.json({ workflowId: handle.workflowId, ui, ...result });
    else ctx.out(`${result.outcome === 'promoted' ? '✔' : '✗'} ${model}: production is v${(await registry.findByAlias(model, 'production'))?.version} (deployment #${result.deploymentId}: ${result.reason})`);
    return result.outcome === 'promoted' ? 0 : 1;
  },
};
