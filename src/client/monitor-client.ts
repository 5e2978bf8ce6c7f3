import { ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleDescription, type WorkflowHandle } from '@temporalio/client';
import { DEFAULT_SETTLE_MS, MONITOR_WORKFLOW_TYPE, monitorScheduleId, runMemo, type AppConfig, type MonitorInput } from '../domain';
import { modelAttribute, triggerAttribute } from '../workflows/search-attributes';
import type { modelMonitorWorkflow } from '../workflows';
import { pause, pollUntil } from './poll';

/** Schedules are Temporal's: one per monitored model, id `monitor-<model>`, overlap SKIP. */
export { ScheduleNotFoundError };

export interface MonitorScheduleView {
  readonly scheduleId: string;
  readonly paused: boolean;
  readonly note?: string;
  readonly everyMs: number | null;
  readonly overlap: string;
  readonly actionsTaken: number;
  readonly skippedOverlap: number;
  readonly nextActionTimes: string[];
  readonly recent: { scheduledAt: string; takenAt: string; workflowId: string; runId: string }[];
  readonly running: { workflowId: string; runId: string }[];
}

const MIN_CATCHUP_MS = 60_000;

/** Starts monitoring: a Schedule that runs `modelMonitorWorkflow` for the model every `everyMs`. */
/** `offsetMs` shifts the interval's phase (by default runs fall on multiples of `everyMs` since the epoch). */
export async function startMonitorSchedule(client: Client, config: AppConfig, args: { model: string; everyMs: number; offsetMs?: number; paused?: boolean; note?: string }): Promise<{ scheduleId: string }> {
  const scheduleId = monitorScheduleId(args.model);
  // Predictions made just before a window's end may still sit in a server's buffer: wait out two flushes.
  const input: MonitorInput = { model: args.model, settleMs: Math.max(DEFAULT_SETTLE_MS, 2 * config.monitoring.flushMs + 500) };
  await client.schedule.create({
    scheduleId,
    spec: { intervals: [{ every: args.everyMs, ...(args.offsetMs ? { offset: args.offsetMs % args.everyMs } : {}) }] },
    action: {
      type: 'startWorkflow',
      workflowType: MONITOR_WORKFLOW_TYPE,
      workflowId: scheduleId,
      taskQueue: config.temporal.taskQueue,
      args: [input],
      typedSearchAttributes: [
        { key: modelAttribute, value: args.model },
        { key: triggerAttribute, value: 'schedule' },
      ],
      staticSummary: `monitor ${args.model}: drift and performance of served traffic; retrain on findings`,
      memo: runMemo({ kind: 'monitor', model: args.model, requestedBy: 'system:schedule' }),
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: Math.max(args.everyMs, MIN_CATCHUP_MS), pauseOnFailure: false },
    state: { paused: args.paused ?? false, ...(args.note ? { note: args.note } : {}) },
    memo: { model: args.model },
  });
  return { scheduleId };
}

export function monitorScheduleHandle(client: Client, model: string) {
  return client.schedule.getHandle(monitorScheduleId(model));
}

/** The schedule's state and recent runs, or null when the model is not monitored. */
export async function describeMonitorSchedule(client: Client, model: string): Promise<MonitorScheduleView | null> {
  let d: ScheduleDescription;
  try {
    d = await monitorScheduleHandle(client, model).describe();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return null;
    throw err;
  }
  const interval = d.spec.intervals?.[0];
  return {
    scheduleId: d.scheduleId,
    paused: d.state.paused,
    ...(d.state.note ? { note: d.state.note } : {}),
    everyMs: interval ? interval.every : null,
    overlap: String(d.policies.overlap),
    actionsTaken: d.info.numActionsTaken,
    skippedOverlap: d.info.numActionsSkippedOverlap,
    nextActionTimes: d.info.nextActionTimes.map((t) => t.toISOString()),
    recent: d.info.recentActions.map((a) => ({ scheduledAt: a.scheduledAt.toISOString(), takenAt: a.takenAt.toISOString(), workflowId: a.action.workflow.workflowId, runId: a.action.workflow.firstExecutionRunId })),
    running: d.info.runningActions.map((a) => ({ workflowId: a.workflow.workflowId, runId: a.workflow.firstExecutionRunId })),
  };
}

/**
 * Runs the monitor now (the schedule's `trigger`, under its overlap policy) and returns the handle of the
 * run it started. Times out when no run starts — with SKIP, because a run is still in progress.
 */
export async function triggerMonitorRun(client: Client, model: string, timeoutMs = 30_000): Promise<WorkflowHandle<typeof modelMonitorWorkflow>> {
  const handle = monitorScheduleHandle(client, model);
  const seen = async () => {
    const d = await handle.describe();
    return [...d.info.recentActions.map((a) => a.action.workflow), ...d.info.runningActions.map((a) => a.workflow)];
  };
  const before = new Set((await seen()).map((w) => w.firstExecutionRunId));
  // Action times have whole-second resolution: start in the next second so that the window, which ends at
  // the action time, includes every prediction served before this call.
  await pause(1000 - (Date.now() % 1000) + 10);
  await handle.trigger();
  const started = await pollUntil(
    async () => (await seen()).find((w) => !before.has(w.firstExecutionRunId)),
    (w): w is NonNullable<typeof w> => w !== undefined,
    { timeoutMs, intervalMs: 200, timeoutMessage: () => `the monitor of ${model} started no run within ${timeoutMs} ms (overlap policy SKIP: is a run still in progress?)` },
  );
  return client.workflow.getHandle<typeof modelMonitorWorkflow>(started.workflowId, started.firstExecutionRunId);
}
