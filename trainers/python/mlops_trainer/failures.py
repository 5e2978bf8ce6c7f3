"""Permanent problems become non-retryable ApplicationErrors with a type from the project's failure catalogue
(src/domain/failure-types.ts), so the workflow stops at once and `mlops status` shows the Python message."""

from temporalio.exceptions import ApplicationError

TRAINING_FAILED = "TrainingFailed"
SPEC_INVALID = "SpecInvalid"


def permanent(message: str, failure_type: str = TRAINING_FAILED) -> ApplicationError:
    return ApplicationError(message, type=failure_type, non_retryable=True)
