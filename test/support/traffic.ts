import type { ml } from '../../src/domain';

export interface TrafficResult {
  readonly sent: number;
  /** HTTP status → count. */
  readonly statuses: Record<number, number>;
  /** Version that answered → count. */
  readonly versions: Record<number, number>;
}

/**
 * Bounded live traffic for tests: `concurrency` loops posting single rows to a model's predict endpoint until
 * `stop()` is called or `maxRequests` have been sent.
 */
export function startTraffic(serverUrl: string, model: string, rows: readonly ml.Row[], options: { concurrency?: number; maxRequests?: number } = {}) {
  const maxRequests = options.maxRequests ?? 50_000;
  const statuses: Record<number, number> = {};
  const versions: Record<number, number> = {};
  let sent = 0;
  let stopped = false;
  const loop = async () => {
    while (!stopped && sent < maxRequests) {
      const row = rows[sent++ % rows.length];
      const res = await fetch(`${serverUrl}/v1/models/${model}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ instance: row }),
      }).catch(() => null); // the server is down (a test restarting it): counted as status 0
      if (!res) {
        statuses[0] = (statuses[0] ?? 0) + 1;
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      const body = (await res.json()) as { version?: number };
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (body.version !== undefined) versions[body.version] = (versions[body.version] ?? 0) + 1;
    }
  };
  const loops = Array.from({ length: options.concurrency ?? 4 }, loop);
  return {
    async stop(): Promise<TrafficResult> {
      stopped = true;
      await Promise.all(loops);
      return { sent, statuses, versions };
    },
  };
}
