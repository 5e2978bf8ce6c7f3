import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Decision, LifecycleStatus } from '../domain';

/**
 * The lifecycle's public message contract. Wire names equal the const names' stems; payloads are one JSON
 * object each, so any Temporal client (the `temporal` CLI, another SDK) can drive an approval.
 */
export const approveSignal = defineSignal<[Decision]>('approve');
export const rejectSignal = defineSignal<[Decision]>('reject');
export const statusQuery = defineQuery<LifecycleStatus>('status');
