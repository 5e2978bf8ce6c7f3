import type { Client } from '@temporalio/client';
import type { AppConfig } from '../domain';
import { connectClient } from '../client';
import { openRegistry } from '../adapters';
import type { Registry } from '../domain';

/** What a command gets: the parsed config, a lazily connected Temporal client, the registry, and output. */
export interface CliContext {
  readonly config: AppConfig;
  /** stdout when it is a terminal (progress bars, colours); undefined for pipes, files and tests. */
  readonly terminal: NodeJS.WriteStream | undefined;
  client(): Promise<Client>;
  /** The registry port (SQLite or PostgreSQL per config), opened on first use. */
  registry(): Promise<Registry>;
  out(text: string): void;
  json(value: unknown): void;
  close(): Promise<void>;
}

export function createCliContext(config: AppConfig, customWrite?: (s: string) => void): CliContext {
  const write = customWrite ?? ((s: string) => process.stdout.write(s));
  let client: Promise<Client> | undefined;
  let registry: Promise<Registry> | undefined;
  return {
    config,
    terminal: !customWrite && process.stdout.isTTY ? process.stdout : undefined,
    client: () => (client ??= connectClient(config)),
    registry: () => (registry ??= openRegistry(config)),
    out: (text) => write(`${text}\n`),
    json: (value) => write(`${JSON.stringify(value, null, 2)}\n`),
    close: async () => {
      if (registry) await registry.then((r) => r.close(), () => undefined); // a registry that never opened has nothing to close
      if (client) await (await client).connection.close();
    },
  };
}
