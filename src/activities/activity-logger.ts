import { Context } from '@temporalio/activity';
import type { Logger } from 'pino';

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

/** Who is logging, when called inside an activity: its workflow id, run id, activity type and attempt. */
export function activityLogFields(): Record<string, string | number> | undefined {
  let info;
  try {
    info = Context.current().info;
  } catch {
    return undefined; // not inside an activity (setup, a timer callback outside the activity's context)
  }
  // A standalone activity (no workflow) has no workflow execution to name.
  const run = info.workflowExecution;
  return {
    ...(run ? { workflowId: run.workflowId, runId: run.runId } : {}),
    activityType: info.activityType,
    activityId: info.activityId,
    attempt: info.attempt,
  };
}

/**
 * A pino logger whose lines, when written inside an activity, carry that activity's workflow id, run id, type
 * and attempt — so `grep <workflowId>` over a worker's log finds everything done for a run. Activities build
 * their module loggers once (`logger.child({ component })`); the fields are added at each call, from the
 * activity context of the call.
 */
export function contextualLogger(base: Logger): Logger {
  return new Proxy(base, {
    get(target, property) {
      if (property === 'child') {
        return (...args: Parameters<Logger['child']>) => contextualLogger(target.child(...args) as unknown as Logger);
      }
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof property !== 'string' || !LEVELS.has(property) || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const fields = activityLogFields();
        const logger = fields ? target.child(fields) : target;
        return (logger[property as 'info'] as (...a: unknown[]) => void)(...args);
      };
    },
  });
}
