import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { userInfo } from 'node:os';
import { DatasetPaths, PathNotAllowedError } from '../../adapters';
import { isBlobUri, parseModelSpec, workflowUiLink, type AppConfig, type ModelSpec } from '../../domain';
import { startLifecycle } from '../../client';
import { parseCommandArgs, UsageError } from '../args';
import type { Command } from '../command';
import { followRun } from './watch';

/** Reads and validates a spec file; relative dataset paths resolve against the spec's folder (URIs stay as they are). */
export async function loadSpecFile(path: string) {
  const absolute = resolve(path);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(absolute, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read spec ${absolute}: ${(err as Error).message}`);
  }
  const parsed = parseModelSpec(raw);
  if (!parsed.ok) throw new UsageError(`invalid spec ${absolute}:\n  ${parsed.problems.join('\n  ')}`);
  const spec = parsed.spec;
  const named = spec.dataset.path;
  const datasetPath = named.startsWith('/') || isBlobUri(named) ? named : resolve(absolute, '..', named);
  return { spec: { ...spec, dataset: { ...spec.dataset, path: datasetPath } }, source: absolute };
}

/**
 * Refuses, before anything starts, a dataset outside this host's dataset roots — the same rule the worker
 * applies. A file missing here is left to the worker, which may see other disks.
 */
export async function checkDatasetPath(spec: ModelSpec, config: AppConfig, source: string): Promise<void> {
  const missing = new Error('missing');
  try {
    await new DatasetPaths(config.datasetRoots).confineSource(spec.dataset.path, 'dataset.path', () => missing);
  } catch (err) {
    if (err instanceof PathNotAllowedError) throw new UsageError(`invalid spec ${source}: ${err.message}`);
    if (err !== missing) throw err;
  }
}

export const runCommand: Command = {
  name: 'run',
  summary: 'start a model lifecycle from a spec file',
  usage: 'mlops run <spec.json> [--as <name>] [--reason <text>] [--id <workflowId>] [--watch] [--json]',
  async run(argv, ctx) {
    const options = {
      as: { type: 'string' },
      reason: { type: 'string' },
      id: { type: 'string' },
      watch: { type: 'boolean' },
    } as const;
    const { values, positionals } = parseCommandArgs(argv, options, ['spec']);
    const { spec, source } = await loadSpecFile(positionals[0] as string);
    await checkDatasetPath(spec, ctx.config, source);
    const requestedBy = (values['as'] as string | undefined) ?? userInfo().username;
    const started = await startLifecycle(await ctx.client(), ctx.config, {
      spec,
      requestedBy,
      specSource: source,
      ...(values['reason'] ? { reason: values['reason'] as string } : {}),
      ...(values['id'] ? { workflowId: values['id'] as string } : {}),
    });
    const ui = workflowUiLink(ctx.config, started.workflowId, started.runId);
    if (values['watch']) {
      // One stream: with --json the start is the first event line, then the watch's events.
      const { workflowId, runId } = started;
      if (values['json']) ctx.out(JSON.stringify({ type: 'started', workflowId, runId, model: spec.name, ui }));
      else ctx.out(`started ${spec.name}: ${started.workflowId}\n  web UI: ${ui}`);
      return followRun(ctx, started.workflowId, values['json'] === true);
    }
    if (values['json']) ctx.json({ workflowId: started.workflowId, runId: started.runId, model: spec.name, ui });
    else ctx.out(`started ${spec.name}\n  workflow id: ${started.workflowId}\n  run id:      ${started.runId}\n  web UI:      ${ui}\n\nnext: mlops status ${started.workflowId}`);
    return 0;
  },
};
