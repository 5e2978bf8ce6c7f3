/** The registry has no such version (every implementation throws this one). */
export class VersionNotFoundError extends Error {
  constructor(readonly modelName: string, readonly version: number) {
    super(`model version ${modelName}@${version} is not registered`);
    this.name = 'VersionNotFoundError';
  }
}

/** A stored event contradicts the one being appended under the same key (see `auditIdentityDifferences`). */
export class AuditConflictError extends Error {
  constructor(readonly eventKey: string, readonly differences: string[]) {
    const what = differences.join(', ');
    super(
      `audit event ${eventKey} is already stored as another event (${what}): the run now records something else ` +
        'under that key (workflow code that is not deterministic, or see docs/governance.md "Crashes and retries")',
    );
    this.name = 'AuditConflictError';
  }
}
