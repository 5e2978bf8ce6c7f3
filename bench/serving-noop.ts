/** Ceiling of the serving benchmark: fastify answering a fixed JSON body, no parsing, no model. */
import Fastify from 'fastify';

const port = Number(process.argv[2] ?? 8815);
const app = Fastify();
const answer = { model: 'noop', version: 1, prediction: { label: 'sun', probabilities: { sun: 1 } } };
app.get('/healthz', async () => ({ status: 'ok' }));
app.post('/v1/models/:name/predict', async () => answer);
app.listen({ host: '127.0.0.1', port }).catch((err: unknown) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
