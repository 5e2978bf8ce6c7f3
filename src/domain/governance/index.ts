/**
 * @module domain/governance — the approval rulebook (policy, directory, signatures, gate state), pure and
 * deterministic so the workflow's signal handlers and Update validator share it, and the audit vocabulary.
 */
export * from './policy';
export * from './directory';
export * from './decision';
export * from './signing';
export * from './gate';
export * from './view';
export * from './audit';
export * from './version-labels';
