import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import { stageAttribute } from '../workflows/search-attributes';
import { pause } from './poll';

/**
 * Stages in which a run waits for a person: the lifecycle's approval gate, a shadow rollout asking whether to
 * promote. A watch ends there — nothing will move until someone decides.
 */
export const WAITING_FOR_PERSON: readonly string[] = ['awaiting-approval', 'awaiting-decision'];

/** Progress of one pending activity, read from its latest heartbeat details. */
export interface ActivityProgress {
  readonly workflowId: string;
  readonly activityId: string;
  readonly activityType: string;
  readonly attempt: number;
  /** What a data step says it is doing (`heartbeatWhile({ step })`). */
  readonly step?: string;
  /** Training: iterations (L-BFGS) or epochs (Adam) done, of `epochs`. */
  readonly epoch?: number;
  readonly epochs?: number;
  readonly loss?: number;
  readonly solver?: string;
  /** 0..1 when the details say how far along the step is. */
  readonly fraction?: number;
  readonly details: Record<string, unknown>;
}

interface StageEvent {
  readonly type: 'stage';
  readonly at: string;
  readonly workflowId: string;
  readonly stage: string;
  readonly previous: string | null;
}
interface ActivityClosedEvent {
  readonly type: 'activity-closed';
  readonly at: string;
  readonly workflowId: string;
  readonly activityId: string;
  readonly activityType: string;
}
type ProgressEvent = { readonly type: 'progress'; readonly at: string } & ActivityProgress;
type EndEvent = { readonly type: 'end'; readonly at: string; readonly workflowId: string } & WatchEnd;

export type WatchEvent = StageEvent | ProgressEvent | ActivityClosedEvent | EndEvent;

export interface WatchEnd {
  /** `closed`: the run ended (see `execution`); `waiting-for-person`: it waits for a decision. */
  readonly reason: 'closed' | 'waiting-for-person';
  readonly execution: string;
  readonly stage: string | null;
}

export interface WatchOptions {
  readonly onEvent: (event: WatchEvent) => void;
  /** How often pending activities' progress is read (one DescribeWorkflowExecution per run and interval). */
  readonly intervalMs?: number;
}

/** The activity's progress, from its decoded heartbeat details (first argument of `heartbeat`). */
export function progressOf(base: Omit<ActivityProgress, 'details'>, details: unknown): ActivityProgress {
  const d = details && typeof details === 'object' ? (details as Record<string, unknown>) : {};
  const num = (k: string) => (typeof d[k] === 'number' && Number.isFinite(d[k]) ? (d[k] as number) : undefined);
  const epoch = num('epoch');
  const epochs = num('epochs');
  const loss = num('loss');
  const shown = Object.fromEntries(Object.entries(d).filter(([k]) => k !== 'checkpointPath'));
  return {
    ...base,
    ...(typeof d['step'] === 'string' ? { step: d['step'] } : {}),
    ...(epoch !== undefined ? { epoch } : {}),
    ...(epochs !== undefined ? { epochs } : {}),
    ...(loss !== undefined ? { loss } : {}),
    ...(typeof d['solver'] === 'string' ? { solver: d['solver'] } : {}),
    ...(epoch !== undefined && epochs ? { fraction: Math.min(1, epoch / epochs) } : {}),
    details: shown,
  };
}

const now = () => new Date().toISOString();
const stageOf = (d: WorkflowExecutionDescription) => d.typedSearchAttributes.get(stageAttribute) ?? null;

/**
 * Every stage the run entered, in order, from its history (the `MlopsStage` values it was started and upserted
 * with), followed as it grows by long polls: a stage shorter than any polling interval is not missed.
 * Returns once the run closed, when `onStage` says stop, or (throwing) when `stop` aborts.
 */
async function followStages(
  client: Client,
  workflowId: string,
  runId: string,
  stop: AbortSignal,
  onStage: (stage: string) => Promise<'go-on' | 'stop'>,
): Promise<void> {
  let nextPageToken: Uint8Array | undefined;
  for (;;) {
    const request = {
      namespace: client.options.namespace,
      execution: { workflowId, runId },
      waitNewEvent: true,
      skipArchival: true,
      ...(nextPageToken ? { nextPageToken } : {}),
    };
    // One abort signal per long poll: the SDK leaves a listener on the signal of every call it makes.
    const call = new AbortController();
    const abort = () => call.abort();
    stop.addEventListener('abort', abort, { once: true });
    const page = await client
      .withAbortSignal(call.signal, () => client.workflowService.getWorkflowExecutionHistory(request))
      .finally(() => stop.removeEventListener('abort', abort));
    for (const e of page.history?.events ?? []) {
      const fields =
        e.workflowExecutionStartedEventAttributes?.searchAttributes?.indexedFields ??
        e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
      const payload = fields?.[stageAttribute.name] as Payload | undefined;
      if (!payload) continue;
      const stage = defaultPayloadConverter.fromPayload<unknown>(payload);
      if (typeof stage === 'string' && (await onStage(stage)) === 'stop') return;
    }
    if (!page.nextPageToken?.length) return; // the run closed: its history is complete
    nextPageToken = page.nextPageToken;
  }
}

/**
 * Follows a run until it closes or waits for a person: stage transitions (the `MlopsStage` search attribute,
 * from history) and the progress of its pending activities (their heartbeat details, polled with `describe`)
 * — and those of its running child workflows (a lifecycle's deployment, whose stage is polled).
 *
 * @returns how the watch ended; a run that does not exist throws `WorkflowNotFoundError`.
 * @example
 * const end = await watchWorkflow(client, 'lifecycle-m-…', { onEvent: (e) => console.log(JSON.stringify(e)) });
 */
export async function watchWorkflow(client: Client, workflowId: string, options: WatchOptions): Promise<WatchEnd> {
  const emit = options.onEvent;
  const first = await client.workflow.getHandle(workflowId).describe();
  const runId = first.runId;
  const handle = client.workflow.getHandle(workflowId, runId);
  const stop = new AbortController();
  let childWaiting: string | null = null;
  let stage: string | null = null;

  let pollFailure: unknown;
  const poller = pollProgress(client, workflowId, runId, options.intervalMs ?? 500, stop.signal, emit, (s) => {
    childWaiting = s;
    stop.abort();
  }).catch((err: unknown) => {
    pollFailure = err;
    stop.abort();
  });
  try {
    await followStages(client, workflowId, runId, stop.signal, async (next) => {
      if (next !== stage) emit({ type: 'stage', at: now(), workflowId, stage: next, previous: stage });
      stage = next;
      // A waiting stage read while catching up on an older run may be long past: the run's state decides.
      return WAITING_FOR_PERSON.includes(next) && stageOf(await handle.describe()) === next ? 'stop' : 'go-on';
    });
  } catch (err) {
    if (!stop.signal.aborted) throw err;
  } finally {
    stop.abort();
    await poller;
  }
  if (pollFailure) throw pollFailure;
  const d = await handle.describe();
  const execution = d.status.name;
  const waiting = childWaiting ?? (WAITING_FOR_PERSON.includes(stageOf(d) ?? '') ? stageOf(d) : null);
  const end: WatchEnd =
    execution === 'RUNNING' && waiting
      ? { reason: 'waiting-for-person', execution, stage: waiting }
      : { reason: 'closed', execution, stage: stageOf(d) };
  emit({ type: 'end', at: now(), workflowId, ...end });
  return end;
}

/** Polls pending activities (of the run and its running children) until `signal` aborts. */
async function pollProgress(
  client: Client,
  workflowId: string,
  runId: string,
  intervalMs: number,
  signal: AbortSignal,
  emit: (e: WatchEvent) => void,
  childWaits: (stage: string) => void,
): Promise<void> {
  const converter = client.workflow.options.loadedDataConverter;
  const seen = new Map<string, { stage: string | null; activities: Map<string, { type: string; key: string }> }>();
  const observe = async (id: string, run?: string): Promise<WorkflowExecutionDescription> => {
    const d = await client.workflow.getHandle(id, run).describe();
    const prior = seen.get(id) ?? { stage: null, activities: new Map() };
    const stage = stageOf(d);
    if (id !== workflowId && stage !== null && stage !== prior.stage) {
      emit({ type: 'stage', at: now(), workflowId: id, stage, previous: prior.stage });
    }
    const activities = new Map<string, { type: string; key: string }>();
    for (const a of d.status.name === 'RUNNING' ? (d.raw.pendingActivities ?? []) : []) {
      const [details] = await decodeArrayFromPayloads(converter, a.heartbeatDetails?.payloads);
      const base = { workflowId: id, activityId: a.activityId ?? '', activityType: a.activityType?.name ?? '' };
      const p = progressOf({ ...base, attempt: a.attempt ?? 1 }, details);
      const key = JSON.stringify([p.attempt, p.details]);
      activities.set(p.activityId, { type: p.activityType, key });
      if (prior.activities.get(p.activityId)?.key !== key) emit({ type: 'progress', at: now(), ...p });
    }
    for (const [activityId, a] of prior.activities) {
      if (!activities.has(activityId)) {
        emit({ type: 'activity-closed', at: now(), workflowId: id, activityId, activityType: a.type });
      }
    }
    seen.set(id, { stage, activities });
    return d;
  };
  while (!signal.aborted) {
    try {
      const d = await observe(workflowId, runId);
      for (const child of d.raw.pendingChildren ?? []) {
        if (!child.workflowId) continue;
        const c = await observe(child.workflowId, child.runId ?? undefined);
        const childStage = stageOf(c);
        if (childStage !== null && WAITING_FOR_PERSON.includes(childStage)) childWaits(childStage);
      }
    } catch (err) {
      if (!signal.aborted) throw err;
    }
    if (!signal.aborted) await pause(intervalMs);
  }
}
