import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  isCancellation,
  log,
  proxyLocalActivities,
  sleep,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { AuditEventInput, AuditEventKind, AuditTrailHealth } from '../domain';
import { auditStepOptions } from './activity-options';

/** The workflow's side of the audit trail: events are numbered here and stored, in batches, by a local activity. */
export interface AuditTrail {
  /** Queues an event (stamped with workflow time) and returns its sequence number. */
  record(kind: AuditEventKind, actor: string, details: Record<string, unknown>, version?: number): number;
  /**
   * Resolves once every event up to `seq` (default: all recorded so far) is stored. While appends fail for a
   * retryable reason it keeps waiting (the trail retries, visibly).
   * @throws the append's non-retryable failure (`AuditConflict`), which ends the trail.
   */
  stored(seq?: number): Promise<void>;
}

/** Patch id: runs that record it name their audit events by kind (`<kind>#<n>`); older runs key them by seq. */
export const AUDIT_NAMES_BY_KIND_PATCH = 'audit-names-by-kind-v1';

/** What the trail tells the workflow that hosts it. */
export interface AuditTrailHost {
  /** The trail's health changed (a failed round, a recovery, a conflict): show it in the status and UI details. */
  showHealth(health: AuditTrailHealth): void;
}

/** Pause before the next round after `failedAppends` failed rounds: 5 s, doubling, at most 10 minutes. */
export const auditRetryPauseMs = (failedAppends: number): number => Math.min(5_000 * 2 ** (failedAppends - 1), 600_000);

/** A failure no retry can fix (a conflict): it ends the run rather than the trail waiting forever. */
function permanentFailure(err: unknown): ApplicationFailure | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && cause.nonRetryable ? cause : undefined;
}

function describeFailure(err: unknown): string {
  const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
  if (!(cause instanceof Error)) return String(cause);
  const type = cause instanceof ApplicationFailure && cause.type ? cause.type : cause.name;
  return `${type}: ${cause.message}`;
}

/**
 * Starts the trail of one run. A single background loop drains the queue: whatever piled up while the
 * previous append ran goes in the next one, so a burst of decisions costs one activity, not one each.
 * The loop waits on a condition, never on a timer: an idle gate adds no history.
 *
 * The trail may block the run's completion, never silently: when the local activity's few quick attempts
 * fail, the loop reports the failure to the host (status, UI details), waits on a durable timer (5 s doubling
 * to 10 min) and tries the same batch again, plus whatever piled up — for as long as it takes, because a run
 * must not complete without its audit. A conflict (non-retryable) ends the trail, and the run, at once.
 */
export function startAuditTrail(model: string, host?: AuditTrailHost, options: { nameByKind?: boolean } = {}): AuditTrail {
  const pending: AuditEventInput[] = [];
  const perKind = new Map<AuditEventKind, number>();
  let recorded = 0;
  let storedUpTo = 0;
  let failure: unknown;
  let health: AuditTrailHealth | undefined;
  const show = (next: AuditTrailHealth): void => {
    health = next;
    host?.showHealth(next);
  };

  const append = (batch: AuditEventInput[]) => {
    const kinds = [...new Set(batch.map((e) => e.kind))].join(', ');
    const options = { ...auditStepOptions, summary: `audit: ${kinds}` };
    return proxyLocalActivities<Activities>(options).appendAuditEvents({ events: batch });
  };

  /** After a failed round: show it, then wait (durably) before the next one. */
  const pauseAfter = async (err: unknown): Promise<void> => {
    const streak = health?.state === 'failing' ? health : undefined;
    const failedAppends = (streak?.failedAppends ?? 0) + 1;
    const pauseMs = auditRetryPauseMs(failedAppends);
    const error = describeFailure(err);
    show({
      state: 'failing',
      error,
      since: streak?.since ?? new Date().toISOString(),
      failedAppends,
      unstored: recorded - storedUpTo,
      nextAttemptAt: new Date(Date.now() + pauseMs).toISOString(),
    });
    const message = 'audit append failed; the run cannot complete until its audit is stored';
    log.warn(message, { model, error, failedAppends, pauseMs });
    await sleep(pauseMs, { summary: `audit append failed (${failedAppends}×): retry in ${pauseMs / 1000}s` });
  };

  const drain = async (): Promise<void> => {
    let batch: AuditEventInput[] = [];
    for (;;) {
      if (!batch.length) await condition(() => pending.length > 0);
      batch = [...batch, ...pending.splice(0, pending.length)];
      try {
        await append(batch);
      } catch (err) {
        const fatal = permanentFailure(err);
        if (fatal) {
          const since = health?.state === 'failing' ? health.since : new Date().toISOString();
          const failedAppends = (health?.failedAppends ?? 0) + 1;
          const unstored = recorded - storedUpTo;
          show({ state: 'conflict', error: describeFailure(err), since, failedAppends, unstored });
          throw fatal; // the run fails with the typed failure (AuditConflict), not a wrapped activity failure
        }
        if (isCancellation(err)) throw err;
        await pauseAfter(err);
        continue;
      }
      storedUpTo = batch[batch.length - 1]?.seq ?? storedUpTo;
      batch = [];
      if (health?.state === 'failing') {
        const { nextAttemptAt: _next, ...streak } = health;
        show({ ...streak, state: 'recovered', unstored: recorded - storedUpTo, recoveredAt: new Date().toISOString() });
      }
    }
  };
  drain().catch((err: unknown) => {
    failure = err;
  });

  return {
    record(kind, actor, details, version) {
      recorded += 1;
      const nth = (perKind.get(kind) ?? 0) + 1;
      perKind.set(kind, nth);
      const name = options.nameByKind ? { name: `${kind}#${nth}` } : {};
      const at = new Date().toISOString();
      pending.push({ seq: recorded, ...name, at, kind, actor, model, ...(version !== undefined ? { version } : {}), details });
      return recorded;
    },
    async stored(seq = recorded) {
      await condition(() => storedUpTo >= seq || failure !== undefined);
      if (failure !== undefined) throw failure;
    },
  };
}
