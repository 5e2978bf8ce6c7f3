import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { Registry } from '../domain';
import type { ModelRouter, ModelRoute } from './model-router';

/** A canary or shadow split in progress, as saved by the server that was applying it. */
export interface SavedSplit {
  readonly name: string;
  readonly candidate: number;
  readonly mode: 'canary' | 'shadow';
  readonly percent: number;
}

/**
 * The traffic splits of rollouts in progress, kept in a small JSON file next to the registry so that a model
 * server restarted mid-rollout (crash, deploy) resumes the canary percentage or shadow copy where it was,
 * instead of sending all traffic to stable until the deployment's next step. Written on every route change
 * (rare), atomically (temp file + rename).
 */
export class RouteStateFile {
  constructor(private readonly path: string) {}

  save(routes: readonly ModelRoute[]): void {
    const splits: SavedSplit[] = routes.flatMap((r) =>
      r.candidate && r.mode ? [{ name: r.name, candidate: r.candidate.version, mode: r.mode, percent: r.percent }] : [],
    );
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ splits })}\n`);
    renameSync(tmp, this.path);
  }

  load(): SavedSplit[] {
    try {
      return (JSON.parse(readFileSync(this.path, 'utf8')) as { splits?: SavedSplit[] }).splits ?? [];
    } catch {
      return []; // no file yet (first start) or unreadable: nothing to resume
    }
  }
}

/**
 * Re-applies saved splits on top of the production routes — only where the deployment store says that very
 * rollout is still running (a rollout that ended while the server was down must not come back).
 */
export async function resumeRollouts(
  router: ModelRouter,
  registry: Registry,
  splits: readonly SavedSplit[],
  logger: Logger,
): Promise<void> {
  const deployments = registry.deployments;
  for (const split of splits) {
    const running = await deployments.running(split.name);
    const stable = router.route(split.name)?.stable.version;
    if (!running || running.toVersion !== split.candidate || stable === undefined) {
      const runningVersion = running?.toVersion ?? null;
      logger.info({ split, running: runningVersion }, 'saved traffic split not resumed: its rollout is over');
      continue;
    }
    try {
      const { candidate, mode, percent } = split;
      await router.setRoute(split.name, { stable, candidate, mode, percent });
      logger.info({ split, stable }, 'traffic split of a rollout in progress resumed');
    } catch (err) {
      logger.error({ err, split }, 'could not resume a traffic split; the deployment will set it again');
    }
  }
}
