import type { Logger } from 'pino';
import type { PredictionSink } from '../domain';
import type { ModelRouter } from './model-router';
import type { ServingMetrics } from './serving-metrics';
import type { VersionStats } from './version-stats';

/** What the route modules share. */
export interface ServerContext {
  readonly router: ModelRouter;
  readonly stats: VersionStats;
  readonly metrics: ServingMetrics;
  readonly sink: PredictionSink;
  readonly adminToken: string;
  readonly logger: Logger;
}

/** Uniform error body of every 4xx/5xx: a stable code, a message naming what is wrong, and the request id. */
export interface ErrorBody {
  readonly error: string;
  readonly message: string;
  readonly requestId: string;
}

const codes: Record<number, string> = { 400: 'bad_request', 401: 'unauthorized', 404: 'not_found', 409: 'conflict', 413: 'payload_too_large', 415: 'unsupported_media_type', 422: 'unprocessable', 503: 'unavailable' };

export const errorBody = (status: number, message: string, requestId: string): ErrorBody => ({
  error: codes[status] ?? (status >= 500 ? 'internal' : 'client_error'),
  message,
  requestId,
});
