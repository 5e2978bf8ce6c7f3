import type { Client } from '@temporalio/client';
import type { AppConfig } from '../domain';
import { connectClient } from '../client';
import { SqliteRegistry } from '../adapters';

/** What a command gets: the parsed config, a lazily connected Temporal client, the registry, and output. */
export interface CliContext {
  readonly config: AppConfig;
  client(): Promise<Client>;
  registry(): SqliteRegistry;
  out(text: string): void;
  json(value: unknown): void;
  close(): Promise<void>;
}

export function createCliContext(config: AppConfig, write: (s: string) => void = (s) => process.stdout.write(s)): CliContext {
  let client: Promise<Client> | undefined;
  let registry: SqliteRegistry | undefined;
  return {
    config,
    client: () => (client ??= connectClient(config)),
    registry: () => (registry ??= new SqliteRegistry(config.registryPath)),
    out: (text) => write(`${text}\n`),
    json: (value) => write(`${JSON.stringify(value, null, 2)}\n`),
    close: async () => {
      registry?.close();
      if (client) await (await client).connection.close();
    },
  };
}
