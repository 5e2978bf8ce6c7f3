/**
 * Ceilings of the serving benchmark: fastify answering a fixed JSON body, no parsing, no model. With `--framed`
 * the same route sits in the model server's own fastify frame (request ids, lazy request loggers, HTTP counters,
 * error handlers: src/serving/serving-app.ts), so the bench can tell the frame's cost from the predict route's.
 * With `--busy-us N` the no-op spins N µs per request first: how far a few µs of work move the ceiling on this
 * machine, to read the predict route's ratio against.
 *   node dist/bench/serving-noop.js <port> [--framed] [--busy-us N]
 */
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { createServingApp } from '../src/serving/serving-app';
import { ServingMetrics } from '../src/serving/serving-metrics';

const port = Number(process.argv[2] ?? 8815);
const framed = process.argv.includes('--framed');
const busyArg = process.argv.indexOf('--busy-us');
const busyMs = busyArg > 0 ? Number(process.argv[busyArg + 1]) / 1000 : 0;
const app: FastifyInstance = framed ? createServingApp(pino({ level: 'warn' }), new ServingMetrics()) : Fastify();
const answer = { model: 'noop', version: 1, prediction: { label: 'sun', probabilities: { sun: 1 } } };
app.get('/healthz', async () => ({ status: 'ok' }));
app.post('/v1/models/:name/predict', async () => {
  if (busyMs > 0) for (const until = performance.now() + busyMs; performance.now() < until; );
  return answer;
});
// A clean exit on SIGTERM, so `--cpu-prof` writes its profile (the bench profiles this server like the model server).
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
app.listen({ host: '127.0.0.1', port }).catch((err: unknown) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
