import { Client, Connection } from '@temporalio/client';
import type { AppConfig } from '../domain';
import { dataConverterFor } from '../adapters/payload-codec';

/**
 * Connection options for both `Connection.connect` (clients) and `NativeConnection.connect` (workers): the
 * one place address, TLS/mTLS, API key and gRPC metadata of the configured profile become SDK options.
 */
export function temporalConnectionOptions(config: AppConfig) {
  const { address, transport } = config.temporal;
  return {
    address,
    ...(transport.tls !== undefined ? { tls: transport.tls } : {}),
    ...(transport.apiKey ? { apiKey: transport.apiKey } : {}),
    ...(transport.metadata ? { metadata: transport.metadata } : {}),
  };
}

/** A Temporal client for the configured server and namespace. */
export async function connectClient(config: AppConfig): Promise<Client> {
  const connection = await Connection.connect({ ...temporalConnectionOptions(config), connectTimeout: '5s' });
  return new Client({ connection, namespace: config.temporal.namespace, dataConverter: dataConverterFor(config) });
}
