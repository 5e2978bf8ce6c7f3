/** Ceiling of the serving benchmark: fastify answering a fixed JSON body, no parsing, no model. */
import Fastify from 'fastify';

const port = Number(process.argv[2] ?? 8815);
const app = Fastify();
const answer = { model: 'noop', version: 1, prediction: { label: 'sun', probabilities: { sun: 1 } } };
app.get('/healthz', async () => ({ status: 'ok' }));
app.post('/v1/models/:name/predict', async () => answer);
// A clean exit on SIGTERM, so `--cpu-prof` writes its profile (the bench profiles this server like the model server).
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
app.listen({ host: '127.0.0.1', port }).catch((err: unknown) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
