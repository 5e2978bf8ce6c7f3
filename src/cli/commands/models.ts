import { parseCommandArgs } from '../args';
import type { Command } from '../command';
import { fixed, pct, table } from '../format';

export const modelsCommand: Command = {
  name: 'models',
  summary: 'list registered model versions, their lineage and aliases',
  usage: 'mlops models [--model <name>] [--json]',
  async run(argv, ctx) {
    const { values } = parseCommandArgs(argv, { model: { type: 'string' } }, []);
    const registry = ctx.registry();
    const model = values['model'] as string | undefined;
    const versions = registry.listVersions(model);
    const aliases = registry.listAliases(model);
    if (values['json']) {
      ctx.json({ versions, aliases });
      return 0;
    }
    if (!versions.length) {
      ctx.out(model ? `no versions of ${model} registered` : 'no models registered yet — start one with: mlops run examples/weather-classifier.json');
      return 0;
    }
    const aliasOf = (name: string, v: number) => aliases.filter((a) => a.modelName === name && a.version === v).map((a) => a.alias).join(',');
    ctx.out(
      table(
        ['model', 'version', 'status', 'aliases', 'accuracy', 'macro-F1', 'dataset', 'code', 'requested by', 'created'],
        versions.map((v) => [v.modelName, v.version, v.status, aliasOf(v.modelName, v.version), pct(v.metrics.accuracy), fixed(v.metrics.macroF1), v.datasetId.slice(0, 12), (v.codeVersion ?? '').slice(0, 12), v.requestedBy, v.createdAt]),
      ),
    );
    return 0;
  },
};
