import { Client, Connection } from '@temporalio/client';
import type { AppConfig } from '../domain';
import { dataConverterFor } from '../adapters/payload-codec';

/** A Temporal client for the configured server and namespace. */
export async function connectClient(config: AppConfig): Promise<Client> {
  const connection = await Connection.connect({ address: config.temporal.address, connectTimeout: '5s' });
  return new Client({ connection, namespace: config.temporal.namespace, dataConverter: dataConverterFor(config) });
}
