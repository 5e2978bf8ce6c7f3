import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { DecideRequest, DecideResult, Decision, LifecycleStatus } from '../domain';

/**
 * The lifecycle's public message contract. Wire names equal the const names' stems; payloads are one JSON
 * object each, so any Temporal client (the `temporal` CLI, another SDK) can drive an approval.
 * Signals and the Update go through the same rulebook (domain/governance/gate.ts).
 */
export const approveSignal = defineSignal<[Decision]>('approve');
export const rejectSignal = defineSignal<[Decision]>('reject');
/** The synchronous path: a decision that breaks the policy is refused at once with the reason. */
export const decideUpdate = defineUpdate<DecideResult, [DecideRequest]>('decide');
export const statusQuery = defineQuery<LifecycleStatus>('status');
