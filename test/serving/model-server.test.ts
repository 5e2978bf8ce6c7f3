import autocannon from 'autocannon';
import { registerTrainedVersion } from '../support/versions';
import { featureRows } from '../support/weather-rows';
import { ADMIN_TOKEN, call, startServer, type ServerFixture } from './server-fixture';

const MODEL = 'weather-serving';
let server: ServerFixture;
const rows = featureRows();
const row = rows[1] as Record<string, unknown>;

beforeAll(async () => {
  server = await startServer('serving');
  await registerTrainedVersion(server.registry, server.artifacts, { model: MODEL, seed: 7 }); // v1
  await registerTrainedVersion(server.registry, server.artifacts, { model: MODEL, seed: 8, epochs: 50 }); // v2
  await registerTrainedVersion(server.registry, server.artifacts, { model: MODEL, labels: ['fog', 'drizzle'] }); // v3: knows only fog and drizzle
  const routed = await call(`${server.url}/admin/models/${MODEL}/route`, { method: 'PUT', body: { stable: 1 } });
  expect(routed.status).toBe(200);
});
afterAll(async () => server?.close());

const predict = (body: unknown, headers: Record<string, string> = {}) => call(`${server.url}/v1/models/${MODEL}/predict`, { method: 'POST', body, token: null, headers });
const route = (body: unknown) => call(`${server.url}/admin/models/${MODEL}/route`, { method: 'PUT', body });

test('serves single rows and batches with model info, health and Prometheus metrics', async () => {
  const single = await predict({ instance: row });
  expect(single.status).toBe(200);
  expect(single.body).toMatchObject({ model: MODEL, version: 1, prediction: { label: expect.any(String) } });
  expect(single.headers.get('x-request-id')).toBe(single.body['requestId']);

  const batch = await predict({ instances: rows.slice(0, 25) });
  expect(batch.status).toBe(200);
  expect((batch.body['predictions'] as unknown[]).length).toBe(25);

  const info = await call(`${server.url}/v1/models/${MODEL}`, { token: null });
  expect(info.body).toMatchObject({ name: MODEL, version: 1, alias: 'production', rollout: null, classes: ['drizzle', 'fog', 'rain', 'snow', 'sun'] });
  expect((await call(`${server.url}/v1/models`, { token: null })).body['models']).toHaveLength(1);
  expect((await call(`${server.url}/healthz`, { token: null })).status).toBe(200);
  expect((await call(`${server.url}/readyz`, { token: null })).body).toMatchObject({ status: 'ready', models: 1 });

  const metrics = await fetch(`${server.url}/metrics`);
  expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await metrics.text();
  expect(text).toMatch(new RegExp(`mlops_predict_requests_total\\{model="${MODEL}",version="1",role="primary",code="200"\\} \\d+`));
  expect(text).toMatch(new RegExp(`mlops_predict_duration_seconds_bucket\\{model="${MODEL}",version="1",role="primary",le="\\+Inf"\\} \\d+`));
  expect(text).toMatch(new RegExp(`mlops_predict_rows_total\\{model="${MODEL}",version="1",role="primary"\\} 26`));
  expect(text).toContain(`mlops_model_served{model="${MODEL}",version="1",role="primary"} 1`);
  // Per-model counts by label: the 26 answered rows, label by label as the version's own series count them.
  const series = (name: string, labels: string) =>
    [...text.matchAll(new RegExp(`^${name}\\{${labels}label="([a-z]+)"\\} (\\d+)$`, 'gm'))].map((m) => [m[1], Number(m[2])]);
  const perModel = series('mlops_model_predictions_total', `model="${MODEL}",`);
  expect(perModel.reduce((sum, [, n]) => sum + (n as number), 0)).toBe(26);
  expect(perModel).toEqual(series('mlops_prediction_labels_total', `model="${MODEL}",version="1",role="primary",`));
});

test('bad requests get a clear 4xx naming the problem, and the server keeps serving', async () => {
  const malformed = await call(`${server.url}/v1/models/${MODEL}/predict`, { method: 'POST', raw: '{"instances": [', token: null });
  expect(malformed.status).toBe(400);
  expect(malformed.body).toMatchObject({ error: 'bad_request', message: expect.stringMatching(/JSON/) });

  const wrongType = await predict({ instances: [{ ...row, temp_max: 'hot' }] });
  expect(wrongType.status).toBe(400);
  expect(wrongType.body['message']).toMatch(/instances\.0\.temp_max: .*expected number/);

  const { wind: _wind, ...withoutWind } = row;
  const missing = await predict({ instance: withoutWind });
  expect(missing.status).toBe(400);
  expect(missing.body['message']).toMatch(/instance\.wind/);

  const extra = await predict({ instance: { ...row, humidity: 3 } });
  expect(extra.status).toBe(400);
  expect(extra.body['message']).toMatch(/humidity/);

  const oversized = await predict({ instances: Array.from({ length: 1001 }, () => row) });
  expect(oversized.status).toBe(400);
  expect(oversized.body['message']).toMatch(/instances: .*1000/);

  const empty = await predict({ instances: [] });
  expect(empty.status).toBe(400);
  const notObject = await predict([row]);
  expect(notObject.status).toBe(400);

  const unknown = await call(`${server.url}/v1/models/no-such-model/predict`, { method: 'POST', body: { instance: row }, token: null });
  expect(unknown.status).toBe(404);
  expect(unknown.body['message']).toMatch(/no-such-model/);

  const wrongMediaType = await call(`${server.url}/v1/models/${MODEL}/predict`, { method: 'POST', raw: 'a=1', token: null, headers: { 'content-type': 'text/csv' } });
  expect(wrongMediaType.status).toBe(415);

  const badRoute = await route({ stable: 1, candidate: 1, mode: 'canary' });
  expect(badRoute.status).toBe(400);
  expect(badRoute.body['message']).toMatch(/candidate: candidate must differ/);
  expect(badRoute.body['message']).toMatch(/percent: required in canary mode/);
  expect((await route({ stable: 99 })).status).toBe(404);

  const noRoute = await call(`${server.url}/v2/nothing-here`, { method: 'GET', token: null });
  expect(noRoute.status).toBe(404);

  expect((await predict({ instance: row })).status).toBe(200);
  const text = await (await fetch(`${server.url}/metrics`)).text();
  expect(text).toMatch(new RegExp(`mlops_predict_errors_total\\{model="${MODEL}",version="1",role="primary",kind="rejected"\\} [1-9]`));
  // Every response counted by its route's pattern and status; requests no route matched, as "unmatched".
  const http = (method: string, route: string, code: number) =>
    Number(new RegExp(`mlops_http_requests_total\\{method="${method}",route="${route.replace(/\//g, '\\/')}",code="${code}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  expect(http('POST', '/v1/models/:name/predict', 400)).toBeGreaterThanOrEqual(7);
  expect(http('POST', '/v1/models/:name/predict', 404)).toBeGreaterThanOrEqual(1);
  expect(http('POST', '/v1/models/:name/predict', 415)).toBe(1);
  expect(http('POST', '/v1/models/:name/predict', 200)).toBeGreaterThanOrEqual(1);
  expect(http('PUT', '/admin/models/:name/route', 400)).toBeGreaterThanOrEqual(1);
  expect(http('GET', 'unmatched', 404)).toBe(1);
});

test('the admin API requires the bearer token', async () => {
  const endpoints: [string, string, unknown][] = [
    ['POST', `/admin/models/${MODEL}/load`, { version: 2 }],
    ['PUT', `/admin/models/${MODEL}/route`, { stable: 2 }],
    ['POST', `/admin/models/${MODEL}/rollback`, undefined],
    ['GET', `/admin/models/${MODEL}/stats`, undefined],
  ];
  for (const [method, path, body] of endpoints) {
    const missing = await call(`${server.url}${path}`, { method, body, token: null });
    expect(missing.status).toBe(401);
    expect(missing.body['message']).toMatch(/Authorization: Bearer/);
    const wrong = await call(`${server.url}${path}`, { method, body, token: `${ADMIN_TOKEN}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.body['message']).toMatch(/wrong/);
  }
  expect((await call(`${server.url}/v1/models/${MODEL}`, { token: null })).body['version']).toBe(1);
  const loaded = await call(`${server.url}/admin/models/${MODEL}/load`, { method: 'POST', body: { version: 2 } });
  expect(loaded.status).toBe(200);
  expect(loaded.body).toMatchObject({ model: MODEL, version: 2 });
  expect((await call(`${server.url}/v1/models/${MODEL}`, { token: null })).body['version']).toBe(1); // loading alone routes nothing
});

test('canary routing is exact: by counter without ids, by a stable hash of the request id with them', async () => {
  await route({ stable: 1, candidate: 2, mode: 'canary', percent: 10 });
  const versions: number[] = [];
  for (let i = 0; i < 200; i++) versions.push((await predict({ instance: rows[i] })).body['version'] as number);
  expect(versions.filter((v) => v === 2)).toHaveLength(20);

  const ids = Array.from({ length: 50 }, (_, i) => `req-${i}`);
  const first = await Promise.all(ids.map(async (id) => (await predict({ instance: row }, { 'x-request-id': id })).body['version']));
  const again = await Promise.all(ids.map(async (id) => (await predict({ instance: row }, { 'x-request-id': id })).body['version']));
  expect(again).toEqual(first);
  const { bucketOf } = await import('../../src/domain');
  expect(first).toEqual(ids.map((id) => (bucketOf(id) < 10 ? 2 : 1)));

  const info = await call(`${server.url}/v1/models/${MODEL}`, { token: null });
  expect(info.body['rollout']).toMatchObject({ candidate: 2, mode: 'canary', percent: 10 });
  const back = await call(`${server.url}/admin/models/${MODEL}/rollback`, { method: 'POST' });
  expect(back.body).toMatchObject({ stable: 1, candidate: null, mode: null });
});

test('shadow: the candidate scores a copy, its predictions are logged but never returned, agreement is measured', async () => {
  const since = new Date().toISOString();
  await route({ stable: 1, candidate: 3, mode: 'shadow' });
  for (let i = 0; i < 60; i++) {
    const res = await predict({ instance: rows[i * 40] }, { 'x-request-id': `shadow-${i}` });
    expect(res.body['version']).toBe(1);
  }
  await new Promise((r) => setImmediate(r));
  const stats = await call(`${server.url}/admin/models/${MODEL}/stats?since=${encodeURIComponent(since)}`);
  const versions = stats.body['versions'] as { version: number; role: string; requests: number; labels: Record<string, number>; agreement?: { compared: number; agreed: number } }[];
  const shadow = versions.find((v) => v.role === 'shadow' && v.version === 3);
  expect(shadow?.requests).toBe(60);
  expect(shadow?.agreement?.compared).toBe(60);
  expect(Object.keys(shadow?.labels ?? {}).every((l) => l === 'fog' || l === 'drizzle')).toBe(true);
  expect(shadow?.agreement?.agreed).toBeLessThan(30); // a fog/drizzle-only model rarely agrees with one that mostly says sun or rain
  const logged = server.ring.recent().filter((p) => p.requestId.startsWith('shadow-'));
  expect(logged.filter((p) => p.role === 'shadow' && p.version === 3)).toHaveLength(60);
  expect(logged.filter((p) => p.role === 'primary' && p.version === 1)).toHaveLength(60);
  await route({ stable: 1 });
});

test('zero-downtime: versions swap repeatedly under load (concurrency 10) with no failed request', async () => {
  await route({ stable: 1 });
  const since = new Date().toISOString();
  const swaps: Promise<{ status: number }>[] = [];
  const plan = new Map([[500, 2], [1500, 1], [2500, 2], [3500, 1], [4500, 2]]);
  let responses = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const load = autocannon(
      {
        url: `${server.url}/v1/models/${MODEL}/predict`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ instances: rows.slice(0, 4) }),
        connections: 10,
        amount: 6000,
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    load.on('response', () => {
      const next = plan.get(++responses);
      if (next !== undefined) swaps.push(route({ stable: next })); // cold load + warm-up + switch while requests flow
    });
  });
  const swapped = await Promise.all(swaps);
  expect(swapped.map((s) => s.status)).toEqual([200, 200, 200, 200, 200]);
  expect(result.requests.sent).toBe(6000);
  expect(result.non2xx).toBe(0);
  expect(result.errors).toBe(0);
  expect(result.timeouts).toBe(0);
  const stats = await call(`${server.url}/admin/models/${MODEL}/stats?since=${encodeURIComponent(since)}`);
  const served = (stats.body['versions'] as { version: number; role: string; requests: number; errors: number }[]).filter((v) => v.role === 'primary');
  expect(served.find((v) => v.version === 1)?.requests).toBeGreaterThan(0);
  expect(served.find((v) => v.version === 2)?.requests).toBeGreaterThan(0);
  expect(served.reduce((n, v) => n + v.requests, 0)).toBe(6000);
  expect(served.every((v) => v.errors === 0)).toBe(true);
  expect((await call(`${server.url}/v1/models/${MODEL}`, { token: null })).body['version']).toBe(2);
});
