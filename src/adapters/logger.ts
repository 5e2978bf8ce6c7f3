import pino, { type Logger } from 'pino';
import type { AppConfig } from '../domain';

/**
 * Property names whose values are secrets wherever they appear in a logged object (a config, a request,
 * an error's details): tokens, payload keys, passwords, cloud credentials, connection URLs with passwords.
 */
export const secretLogKeys = [
  'adminToken',
  'token',
  'authorization',
  'payloadKeys',
  'password',
  'secretAccessKey',
  'sessionToken',
  'apiKey',
  'privateKey',
  'connectionString',
  'databaseUrl',
  'postgresUrl',
  'registryUrl',
] as const;

/** pino redacts by path: each key at the top and up to four objects deep (a logged `{ config }` is two). */
export const redactPaths = secretLogKeys.flatMap((key) =>
  ['', '*.', '*.*.', '*.*.*.', '*.*.*.*.'].map((prefix) => `${prefix}${key}`),
);

/** The process's root pino logger; modules take `logger.child({ component })`. Secrets are redacted. */
export function createLogger(config: Pick<AppConfig, 'log'>, name: string, destination?: pino.DestinationStream): Logger {
  const options = {
    name,
    level: config.log.level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
  };
  return destination ? pino(options, destination) : pino(options);
}
