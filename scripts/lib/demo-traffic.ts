/**
 * Live traffic for the demo: real 2015 days of weather.csv sent to the model server while a canary bakes (its
 * guards judge the candidate on that traffic), and the rollout's steps printed as they are judged.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import type { Client } from '@temporalio/client';
import { queryDeployment } from '../../src/client';
import { pause } from '../../src/client/poll';
import type { DeploymentStatus } from '../../src/domain';
import { SeededRandom } from '../../src/domain/ml/random';

const MAX_DEMO_REQUESTS = 100_000;
const TRAFFIC_SEED = 2015;

export type WeatherRow = Record<string, unknown>;

/** Real 2015 days (both cities) in a fixed pseudo-random order, with their label and date. */
export async function sample2015Days(csv: string, n: number): Promise<WeatherRow[]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const reader = await c.runAndReadAll(
    `SELECT location, precipitation, temp_max, temp_min, wind, weather, strftime(date, '%Y-%m-%d') AS day
     FROM read_csv('${csv.replace(/'/g, "''")}') WHERE year(date) = 2015 ORDER BY hash(date, location) LIMIT ${n}`,
  );
  const rows = reader.getRowObjectsJS();
  c.closeSync();
  db.closeSync();
  return rows as WeatherRow[];
}

/** The request body of a row: its features, without the label and the date. */
export const featuresOf = ({ weather: _label, day: _day, ...features }: WeatherRow): WeatherRow => features;

export interface DemoTraffic {
  /** Stops sending and reports what was sent (idempotent). */
  stop(): Promise<{ sent: number; failed: number }>;
}

/**
 * Steady traffic: two sequential loops of single-row requests until stopped (bounded in count). Each request
 * draws its day at random (seeded): the server's canary counter sends every 10th request to the candidate at
 * 10 %, and days sent in a fixed cycle of 400 would give the candidate the same 40 days over and over — a label
 * mix unlike stable's, which the prediction-shift guard rightly flags when the two models differ.
 */
export function startDemoTraffic(url: string, rows: readonly WeatherRow[]): DemoTraffic {
  const random = new SeededRandom(TRAFFIC_SEED);
  let sent = 0;
  let failed = 0;
  let stopped = false;
  const send = async (row: WeatherRow | undefined): Promise<boolean> => {
    const body = JSON.stringify({ instance: row });
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body };
    try {
      const res = await fetch(url, init);
      await res.arrayBuffer();
      return res.ok;
    } catch {
      return false; // the server did not answer: counted, reported with the traffic figures
    }
  };
  const loop = async () => {
    while (!stopped && sent < MAX_DEMO_REQUESTS) {
      sent++;
      if (!(await send(rows[Math.floor(random.next() * rows.length)]))) failed++;
      await pause(2);
    }
  };
  const loops = Promise.all([loop(), loop()]);
  return {
    stop: async () => {
      stopped = true;
      await loops;
      return { sent, failed };
    },
  };
}

const isClosed = (s: DeploymentStatus | null) => s !== null && ['promoted', 'rolled-back', 'failed'].includes(s.state);

function stepLine(s: DeploymentStatus['steps'][number]): string {
  const where = s.mode === 'canary' ? `${String(s.percent).padStart(3)} %` : s.mode;
  if (!s.report) return `  ${where} baking…`;
  const checks = s.report.checks.map((c) => `${c.passed ? '✓' : '✗'} ${c.name}`).join(', ');
  const counts = `candidate ${s.report.candidate.requests} requests, stable ${s.report.baseline.requests}`;
  const extended = s.extensions > 0 ? `, bake extended ${s.extensions}×` : '';
  return `  ${where} guards ${s.report.verdict}: ${checks} (${counts}${extended})`;
}

/**
 * Prints each judged step of deployment `deploymentId` until the rollout ends, or until `lifecycle` settles
 * (e.g. a rejected run never starts a deployment).
 */
export async function followRollout(
  client: Client,
  deploymentId: string,
  lifecycle: Promise<unknown>,
  say: (s: string) => void,
): Promise<void> {
  let lifecycleClosed = false;
  const closed = () => (lifecycleClosed = true);
  void lifecycle.then(closed, closed);
  let shown = 0;
  for (;;) {
    const closedBefore = lifecycleClosed;
    const status = await queryDeployment(client, deploymentId).catch(() => null);
    const judged = status?.steps.filter((s) => s.report && s.endedAt) ?? [];
    for (; shown < judged.length; shown++) say(stepLine(judged[shown] as DeploymentStatus['steps'][number]));
    if (isClosed(status) || closedBefore) return;
    await pause(500);
  }
}
