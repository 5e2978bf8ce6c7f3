import { userInfo } from 'node:os';
import { parseTagAssignment, tagKeyProblem } from '../../domain';
import { UsageError, parseCommandArgs, parseVersionArg } from '../args';
import type { Command } from '../command';

export const tagCommand: Command = {
  name: 'tag',
  summary: 'set or delete key/value tags on a version (audited; shown and searchable in `mlops models`)',
  usage: 'mlops tag <model> <version> [key=value ...] [--delete <key>]... [--as <name>] [--json]',
  async run(argv, ctx) {
    const options = { delete: { type: 'string', multiple: true }, as: { type: 'string' } } as const;
    const { values, positionals } = parseCommandArgs(argv, options, ['model', 'version', 'key=value...']);
    const [model, versionText, ...assignments] = positionals as [string, string, ...string[]];
    const version = parseVersionArg(versionText);
    const deletions = (values['delete'] as unknown as string[] | undefined) ?? [];
    const tags: Record<string, string> = {};
    for (const text of assignments) {
      try {
        const { key, value } = parseTagAssignment(text);
        tags[key] = value;
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
    }
    for (const key of deletions) {
      const problem = tagKeyProblem(key);
      if (problem) throw new UsageError(problem);
      if (key in tags) throw new UsageError(`tag "${key}" is both set and deleted`);
    }
    if (!assignments.length && !deletions.length) throw new UsageError('name at least one key=value or --delete <key>');
    const actor = (values['as'] as string | undefined) ?? userInfo().username;
    const store = (await ctx.registry()).tags;
    // One registry transaction each; both refuse an unregistered version before changing anything.
    const set = await store.set({ modelName: model, version, tags, actor });
    const deleted = deletions.length ? await store.delete({ modelName: model, version, keys: deletions, actor }) : [];
    const now = (await store.list(model)).filter((t) => t.version === version);
    if (values['json']) {
      ctx.json({ model, version, set, deleted, tags: Object.fromEntries(now.map((t) => [t.key, t.value])) });
      return 0;
    }
    const shown = now.map((t) => `${t.key}=${t.value}`).join(', ') || 'none';
    const changes = [set.length ? `set ${set.join(', ')}` : '', deleted.length ? `deleted ${deleted.join(', ')}` : '']
      .filter(Boolean).join('; ') || 'no change';
    ctx.out(`${model} v${version}: ${changes}\n  tags: ${shown}`);
    return 0;
  },
};
