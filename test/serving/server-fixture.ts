import pino from 'pino';
import { ArtifactStore, SqliteRegistry } from '../../src/adapters';
import { parseConfig } from '../../src/domain';
import { buildModelServer, PredictionRing, type ModelServer } from '../../src/serving';
import { tempDir } from '../support/paths';

export const ADMIN_TOKEN = 'serving-test-token';

export interface ServerFixture extends ModelServer {
  readonly url: string;
  readonly registry: SqliteRegistry;
  readonly artifacts: ArtifactStore;
  readonly ring: PredictionRing;
  close(): Promise<void>;
}

/** A model server on an ephemeral loopback port with its own registry and artifact store. */
export async function startServer(name: string): Promise<ServerFixture> {
  const config = parseConfig({ MLOPS_DATA_DIR: tempDir(name) });
  const registry = new SqliteRegistry(config.registryPath);
  const artifacts = new ArtifactStore(config.artifactDir);
  const ring = new PredictionRing(50_000);
  const server = await buildModelServer({ registry, artifacts, adminToken: ADMIN_TOKEN, logger: pino({ level: 'silent' }), sink: ring });
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  const address = server.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    ...server,
    url: `http://127.0.0.1:${port}`,
    registry,
    artifacts,
    ring,
    async close() {
      await server.app.close();
      await registry.close();
    },
  };
}

export async function call(url: string, init: { method?: string; body?: unknown; raw?: string; token?: string | null; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.body !== undefined || init.raw !== undefined) headers['content-type'] ??= 'application/json';
  if (init.token !== null) headers['authorization'] = `Bearer ${init.token ?? ADMIN_TOKEN}`;
  const res = await fetch(url, { method: init.method ?? 'GET', headers, ...(init.raw !== undefined ? { body: init.raw } : init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: res.status, body: json, headers: res.headers };
}
