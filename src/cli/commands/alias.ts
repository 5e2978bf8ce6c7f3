import { userInfo } from 'node:os';
import { PRODUCTION_ALIAS, aliasNameProblem } from '../../domain';
import { UsageError, parseCommandArgs, parseVersionArg } from '../args';
import type { Command } from '../command';
import { table } from '../format';

/** The model server serves `production`, so only a deployment (which switches its traffic) may move it. */
function refuseProduction(alias: string, model: string): void {
  if (alias !== PRODUCTION_ALIAS) return;
  throw new UsageError(
    `"${PRODUCTION_ALIAS}" is moved only by deployments, because the model server serves it: ` +
      `run a lifecycle (mlops run <spec>) to release a new version, or mlops rollback ${model} --to <version>`,
  );
}

function checkAlias(alias: string | undefined, model: string): string {
  if (!alias) throw new UsageError('name the alias');
  const problem = aliasNameProblem(alias);
  if (problem) throw new UsageError(problem);
  refuseProduction(alias, model);
  return alias;
}

export const aliasCommand: Command = {
  name: 'alias',
  summary: 'set, delete or list aliases of a model (champion, staging, …) with their history; audited',
  usage: 'mlops alias set <model> <alias> <version> [--as <name>] [--reason <text>]\n' +
    '       mlops alias delete <model> <alias> [--as <name>] [--reason <text>]\n' +
    '       mlops alias list <model> [--json]     (aliases and the history of every move)',
  async run(argv, ctx) {
    const options = { as: { type: 'string' }, reason: { type: 'string' } } as const;
    const { values, positionals } = parseCommandArgs(argv, options, ['action', 'model', 'args...']);
    const [action, model, ...rest] = positionals as [string, string, ...string[]];
    const registry = await ctx.registry();
    const actor = (values['as'] as string | undefined) ?? userInfo().username;
    const reason = values['reason'] as string | undefined;
    if (action === 'set') {
      if (rest.length !== 2) throw new UsageError('expected <model> <alias> <version>');
      const alias = checkAlias(rest[0], model);
      const version = parseVersionArg(rest[1] as string);
      if ((await registry.findByAlias(model, alias))?.version === version) {
        ctx.out(`${model}: ${alias} is already v${version}`);
        return 0;
      }
      const { from } = await registry.moveAlias({ modelName: model, alias, version, actor, ...(reason ? { reason } : {}) });
      ctx.out(`${model}: ${alias} ${from === null ? 'set to' : `moved v${from} →`} v${version}`);
      return 0;
    }
    if (action === 'delete') {
      if (rest.length !== 1) throw new UsageError('expected <model> <alias>');
      const alias = checkAlias(rest[0], model);
      const { from } = await registry.deleteAlias({ modelName: model, alias, actor, ...(reason ? { reason } : {}) });
      if (from === null) throw new Error(`${model} has no alias "${alias}"`);
      ctx.out(`${model}: ${alias} deleted (was v${from})`);
      return 0;
    }
    if (action === 'list') {
      if (rest.length) throw new UsageError('expected <model>');
      const aliases = await registry.listAliases(model);
      const history = await registry.aliasMoves(model);
      if (values['json']) {
        ctx.json({ model, aliases, history });
        return 0;
      }
      const current = aliases.map((a) => [a.alias, a.version, a.updatedAt]);
      ctx.out(aliases.length ? table(['alias', 'version', 'since'], current) : `${model} has no aliases`);
      if (history.length) {
        ctx.out('\nalias history:');
        const rows = history.map((h) =>
          [h.movedAt, h.alias, h.fromVersion, h.toVersion ?? 'deleted', h.actor, h.reason]);
        ctx.out(table(['at', 'alias', 'from', 'to', 'actor', 'reason'], rows));
      }
      return 0;
    }
    throw new UsageError(`unknown action "${action}" (set, delete or list)`);
  },
};
