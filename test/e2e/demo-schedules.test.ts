import { Client, Connection } from '@temporalio/client';
import { dataConverterFor } from '../../src/adapters';
import { monitorScheduleId, parseConfig } from '../../src/domain';
import { DEMO_PAUSE_NOTE, removeEarlierDemoSchedules } from '../../scripts/lib/demo-models';
import { newPayloadKey } from '../support/payload-keys';
import { temporalAddress } from '../support/paths';

/** A schedule that only starts a workflow type nobody serves, paused: the demo's clean-up only reads and deletes. */
const pausedSchedule = (client: Client, scheduleId: string, note: string) =>
  client.schedule.create({
    scheduleId,
    spec: { intervals: [{ every: '1h' }] },
    action: { type: 'startWorkflow', workflowType: 'nobodyServesThis', taskQueue: `demo-schedules-${scheduleId}`, args: [] },
    memo: { owner: 'another team' },
    state: { paused: true, note },
  });

test("the demo's clean-up of earlier runs' schedules works beside schedules encrypted with a key it does not hold", async () => {
  const connection = await Connection.connect({ address: temporalAddress() });
  const plain = new Client({ connection });
  const encrypted = new Client({ connection, dataConverter: dataConverterFor(parseConfig({ MLOPS_PAYLOAD_KEYS: newPayloadKey('other') })) });
  const base = `demo-schedules-${Date.now().toString(36)}`;
  const others = await pausedSchedule(encrypted, `${base}-encrypted`, 'not the demo');
  const earlierRun = await pausedSchedule(plain, monitorScheduleId(`${base}-run1`), DEMO_PAUSE_NOTE);
  try {
    // The plain listing cannot decode the other team's memo: the reason for listing ids only.
    await expect(async () => {
      for await (const _ of plain.schedule.list()) void _;
    }).rejects.toThrow('Unknown encoding: binary/encrypted');
    expect(await removeEarlierDemoSchedules(plain, base)).toEqual([monitorScheduleId(`${base}-run1`)]);
    await expect(earlierRun.describe()).rejects.toThrow();
    expect((await others.describe()).state.note).toBe('not the demo');
  } finally {
    await others.delete();
    await connection.close();
  }
});
