import pino, { type Logger } from 'pino';
import type { AppConfig } from '../domain';

/** The process's root pino logger; modules take `logger.child({ component })`. Secrets are redacted. */
export function createLogger(config: Pick<AppConfig, 'log'>, name: string): Logger {
  return pino({
    name,
    level: config.log.level,
    redact: { paths: ['adminToken', '*.adminToken', 'authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization'], censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
  });
}
