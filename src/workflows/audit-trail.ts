import { condition, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { AuditEventInput, AuditEventKind } from '../domain';
import { auditStepOptions } from './activity-options';

/** The workflow's side of the audit trail: events are numbered here and stored, in batches, by a local activity. */
export interface AuditTrail {
  /** Queues an event (stamped with workflow time) and returns its sequence number. */
  record(kind: AuditEventKind, actor: string, details: Record<string, unknown>, version?: number): number;
  /** Resolves once every event up to `seq` (default: all recorded so far) is stored; rethrows a failed append. */
  stored(seq?: number): Promise<void>;
}

/**
 * Starts the trail of one run. A single background loop drains the queue: whatever piled up while the
 * previous append ran goes in the next one, so a burst of decisions costs one activity, not one each.
 * The loop waits on a condition, never on a timer: an idle gate adds no history.
 */
export function startAuditTrail(model: string): AuditTrail {
  const pending: AuditEventInput[] = [];
  let recorded = 0;
  let storedUpTo = 0;
  let failure: unknown;

  const drain = async (): Promise<void> => {
    for (;;) {
      await condition(() => pending.length > 0);
      const batch = pending.splice(0, pending.length);
      const kinds = [...new Set(batch.map((e) => e.kind))].join(', ');
      await proxyLocalActivities<Activities>({ ...auditStepOptions, summary: `audit: ${kinds}` }).appendAuditEvents({ events: batch });
      storedUpTo = batch[batch.length - 1]?.seq ?? storedUpTo;
    }
  };
  drain().catch((err: unknown) => {
    failure = err;
  });

  return {
    record(kind, actor, details, version) {
      recorded += 1;
      pending.push({ seq: recorded, at: new Date().toISOString(), kind, actor, model, ...(version !== undefined ? { version } : {}), details });
      return recorded;
    },
    async stored(seq = recorded) {
      await condition(() => storedUpTo >= seq || failure !== undefined);
      if (failure !== undefined) throw failure;
    },
  };
}
