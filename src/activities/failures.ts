import { ApplicationFailure } from '@temporalio/activity';
import {
  ApproverDirectoryError,
  ArtifactIntegrityError,
  AuditConflictError,
  DatasetError,
  ModelServerError,
  VersionNotFoundError,
  WebhookError,
} from '../adapters';
import { FailureType, failureCatalogue } from '../domain';

const datasetFailureTypes: Record<DatasetError['kind'], FailureType> = {
  'not-found': FailureType.DatasetNotFound,
  unreadable: FailureType.DatasetUnreadable,
  refused: FailureType.SpecInvalid,
};

/** Builds a failure of the catalogue; retryability comes from the catalogue, not from the call site. */
export function failure(type: FailureType, message: string, details?: unknown): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    nonRetryable: !failureCatalogue[type].retryable,
    ...(details === undefined ? {} : { details: [details] }),
  });
}

/** Maps adapter errors to typed failures; anything unknown is rethrown as-is and retried by policy. */
export function toFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof DatasetError) return failure(datasetFailureTypes[err.kind], err.message);
  if (err instanceof ArtifactIntegrityError) return failure(FailureType.ArtifactCorrupt, err.message);
  if (err instanceof VersionNotFoundError) return failure(FailureType.VersionNotFound, err.message);
  if (err instanceof ApproverDirectoryError) return failure(FailureType.ApproverDirectoryInvalid, err.message);
  if (err instanceof WebhookError) return failure(FailureType.WebhookFailed, err.message);
  if (err instanceof AuditConflictError) {
    return failure(FailureType.AuditConflict, err.message, { eventKey: err.eventKey, differences: err.differences });
  }
  if (err instanceof ModelServerError) {
    // 4xx: the server understood and said no; no retry will change that. Unreachable or 5xx: retry.
    if (err.status !== null && err.status >= 400 && err.status < 500) return failure(FailureType.DeploymentRefused, err.message);
    return failure(FailureType.ModelServerUnavailable, err.message);
  }
  return err;
}

/** Wraps an activity so adapter errors surface as catalogue failures. */
export function typed<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (err) {
      throw toFailure(err);
    }
  };
}
