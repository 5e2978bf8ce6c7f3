import { Context } from '@temporalio/activity';

/** How often a step that cannot report progress itself heartbeats (the SDK throttles what reaches the server). */
export const HEARTBEAT_EVERY_MS = 1000;

/**
 * Runs `work` while heartbeating on an interval, for steps that cannot report progress themselves (a DuckDB
 * query, a model server loading a version). With a `heartbeatTimeout` on the step, a worker that dies mid-step
 * is noticed within that timeout and the step is retried elsewhere, instead of after its start-to-close timeout.
 * `details` shows in the pending activity (UI, `temporal workflow describe`) as what the step is doing; `work`
 * may replace them as it goes with the `progress` callback it is given.
 *
 * @example
 * const profile = await heartbeatWhile({ step: 'profile the snapshot' }, () => datasets.profile(snapshot, columns));
 */
export async function heartbeatWhile<T>(
  details: Record<string, unknown>,
  work: (progress: (now: Record<string, unknown>) => void) => Promise<T>,
  everyMs = HEARTBEAT_EVERY_MS,
): Promise<T> {
  const ctx = Context.current();
  let current = details;
  ctx.heartbeat(current);
  const timer = setInterval(() => ctx.heartbeat(current), everyMs);
  try {
    return await work((now) => {
      current = now;
      ctx.heartbeat(current);
    });
  } finally {
    clearInterval(timer);
  }
}
