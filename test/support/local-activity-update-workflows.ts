/**
 * Workflows of `local-activity-update-replay.test.ts`: the lifecycle's shape at the approval gate with a second
 * local activity beside the audit trail's (what the `scale-cpu-local-registry-attempt` branch did with
 * recordVerdict). `append` stands for the audit append the `decide` handler waits for; `verdict` for a registry
 * step the main code runs as a local activity once the gate is closed; the memo upsert for `enter('deploying')`.
 */
import { condition, defineUpdate, proxyLocalActivities, proxySinks, setHandler, upsertMemo, type Sinks } from '@temporalio/workflow';

export interface LocalSteps {
  append(): Promise<void>;
  verdict(): Promise<void>;
}
/** Tells the test that an activation which saw the append's result has completed (sinks run after it). */
export interface ProbeSinks extends Sinks {
  probe: { appendSeen(): void };
}
const { append, verdict } = proxyLocalActivities<LocalSteps>({ startToCloseTimeout: '1m' });
const { probe } = proxySinks<ProbeSinks>();
export const decideUpdate = defineUpdate<string>('decide');

/**
 * `serialized` false: the two local activities run at once (the attempt). True: the main code waits for the
 * handler's append before it starts its own, so one local activity at most is in flight.
 */
export async function gateWithLocalSteps(serialized: boolean): Promise<string> {
  let decided = false;
  let stored: Promise<void> | undefined;
  setHandler(decideUpdate, async () => {
    decided = true;
    stored = append();
    await stored; // "counted and on the record"
    probe.appendSeen();
    return 'counted';
  });
  await condition(() => decided);
  if (serialized) await stored;
  await verdict();
  upsertMemo({ stage: 'deploying' });
  await stored;
  return 'deployed';
}
