import { isRegressionSummary, metricValue, parseTagAssignment } from '../../domain';
import { UsageError, parseCommandArgs } from '../args';
import type { Command } from '../command';
import { fixed, pct, table } from '../format';

const headline = (m: Parameters<typeof isRegressionSummary>[0]): string[] =>
  isRegressionSummary(m)
    ? [`RMSE ${fixed(m.rmse)}`, `R² ${fixed(m.r2)}`]
    : [pct(metricValue(m, 'accuracy')), fixed(metricValue(m, 'macroF1'))];

export const modelsCommand: Command = {
  name: 'models',
  summary: 'list registered model versions, their lineage, aliases and tags (filter by tag)',
  usage: 'mlops models [--model <name>] [--tag <key=value>]... [--json]',
  async run(argv, ctx) {
    const options = { model: { type: 'string' }, tag: { type: 'string', multiple: true } } as const;
    const { values } = parseCommandArgs(argv, options, []);
    const registry = await ctx.registry();
    const tagStore = registry.tags;
    const model = values['model'] as string | undefined;
    const filters = ((values['tag'] as unknown as string[] | undefined) ?? []).map((text) => {
      try {
        return parseTagAssignment(text);
      } catch (err) {
        throw new UsageError(`--tag: ${(err as Error).message}`);
      }
    });
    const key = (name: string, v: number) => `${name}@${v}`;
    const tagged = filters.length ? await tagStore.versionsTagged(filters, model) : null;
    const wanted = tagged && new Set(tagged.map((m) => key(m.modelName, m.version)));
    const versions = (await registry.listVersions(model)).filter((v) => !wanted || wanted.has(key(v.modelName, v.version)));
    const aliases = await registry.listAliases(model);
    const tags = await tagStore.list(model);
    const tagsOf = (name: string, v: number) =>
      Object.fromEntries(tags.filter((t) => t.modelName === name && t.version === v).map((t) => [t.key, t.value]));
    if (values['json']) {
      ctx.json({ versions: versions.map((v) => ({ ...v, tags: tagsOf(v.modelName, v.version) })), aliases });
      return 0;
    }
    if (!versions.length) {
      const filterText = filters.map((f) => `${f.key}=${f.value}`).join(' and ');
      const start = 'no models registered yet — start one with: mlops run examples/weather-classifier.json';
      const none = model ? `no versions of ${model} registered` : start;
      ctx.out(filters.length ? `no versions${model ? ` of ${model}` : ''} tagged ${filterText}` : none);
      return 0;
    }
    const aliasOf = (name: string, v: number) => aliases.filter((a) => a.modelName === name && a.version === v).map((a) => a.alias).join(',');
    const tagText = (name: string, v: number) =>
      Object.entries(tagsOf(name, v)).map(([k, val]) => `${k}=${val}`).join(',');
    // Classifiers show accuracy and macro-F1 there, regression models RMSE and R² (their kind is in the column).
    const headers = ['model', 'version', 'status', 'aliases', 'tags', 'accuracy | RMSE', 'macro-F1 | R²', 'dataset', 'code',
      'requested by', 'created'];
    const rows = versions.map((v) => [v.modelName, v.version, v.status, aliasOf(v.modelName, v.version),
      tagText(v.modelName, v.version), ...headline(v.metrics), v.datasetId.slice(0, 12),
      (v.codeVersion ?? '').slice(0, 12), v.requestedBy, v.createdAt]);
    ctx.out(table(headers, rows));
    return 0;
  },
};
