/**
 * The one failure vocabulary. Activities and workflows throw `ApplicationFailure` with one of these
 * `type`s; clients and the UI can branch on them. Each entry says whether it is permanent.
 */
export const FailureType = {
  SpecInvalid: 'SpecInvalid',
  DatasetNotFound: 'DatasetNotFound',
  DatasetUnreadable: 'DatasetUnreadable',
  DatasetInvalid: 'DatasetInvalid',
  TrainingFailed: 'TrainingFailed',
  ArtifactCorrupt: 'ArtifactCorrupt',
  ModelNotFound: 'ModelNotFound',
  VersionNotFound: 'VersionNotFound',
  DecisionInvalid: 'DecisionInvalid',
  ModelServerUnavailable: 'ModelServerUnavailable',
  DeploymentRefused: 'DeploymentRefused',
  ConfigInvalid: 'ConfigInvalid',
  DecisionRefused: 'DecisionRefused',
  ApproverDirectoryInvalid: 'ApproverDirectoryInvalid',
  WebhookFailed: 'WebhookFailed',
  DeploymentInProgress: 'DeploymentInProgress',
  ModelNotDeployed: 'ModelNotDeployed',
  AuditConflict: 'AuditConflict',
  PayloadKeyUnknown: 'PayloadKeyUnknown',
} as const;

export type FailureType = (typeof FailureType)[keyof typeof FailureType];

export interface FailureTypeInfo {
  readonly retryable: boolean;
  readonly description: string;
}

/** Documentation of every failure type; a test checks that the README lists each of them. */
export const failureCatalogue: Record<FailureType, FailureTypeInfo> = {
  SpecInvalid: { retryable: false, description: 'The model spec does not match the spec schema.' },
  DatasetNotFound: { retryable: false, description: 'The dataset path named by the spec does not exist.' },
  DatasetUnreadable: { retryable: false, description: 'DuckDB could not parse the dataset (format or encoding).' },
  DatasetInvalid: { retryable: false, description: 'The dataset failed validation (columns, types, nulls, ranges, categories).' },
  TrainingFailed: { retryable: false, description: 'Training could not produce a model (e.g. a single class, no rows).' },
  ArtifactCorrupt: { retryable: false, description: 'A stored model artifact does not match its recorded hash.' },
  ModelNotFound: { retryable: false, description: 'No model with that name is registered.' },
  VersionNotFound: { retryable: false, description: 'No such model version is registered.' },
  DecisionInvalid: { retryable: false, description: 'An approval decision payload is malformed.' },
  ModelServerUnavailable: { retryable: true, description: 'The model server did not answer; retried with backoff.' },
  DeploymentRefused: { retryable: false, description: 'The model server refused to load the version.' },
  ConfigInvalid: { retryable: false, description: 'A configuration setting is missing or malformed.' },
  DecisionRefused: { retryable: false, description: 'The approval policy refused a decision (Update `decide`); `details[0].code` says which rule.' },
  ApproverDirectoryInvalid: { retryable: false, description: 'The approvers file or a public key in the keys directory is malformed.' },
  WebhookFailed: { retryable: true, description: 'The escalation webhook did not accept the notice; retried a few times, then recorded.' },
  DeploymentInProgress: {
    retryable: false,
    description:
      'Retired: deployments of a model now queue behind the running one instead of failing. Kept for old histories.',
  },
  ModelNotDeployed: { retryable: false, description: 'The model has registered versions but none is in production, so there is nothing to monitor.' },
  AuditConflict: {
    retryable: false,
    description: 'An audit event key is already stored as another event (another kind, actor, model or version).',
  },
  PayloadKeyUnknown: {
    retryable: false,
    description: 'A payload was encrypted with a key id this process is not configured with (MLOPS_PAYLOAD_KEYS).',
  },
};

/** Failure types a retry can never fix: activity retry policies list them as non-retryable. */
export const permanentFailureTypes: FailureType[] = (Object.keys(failureCatalogue) as FailureType[]).filter(
  (t) => !failureCatalogue[t].retryable,
);
