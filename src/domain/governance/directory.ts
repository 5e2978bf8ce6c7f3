import { z } from 'zod';

/**
 * The approver directory: who may decide (people → roles, from the approvers file named in config) and
 * with which key (Ed25519 public keys from the keys directory). The workflow loads it once, through an
 * activity, when its gate opens; the snapshot (public data only) is in the history, so replays and the
 * audit see exactly the roles and keys that were in force.
 */
export const approversFileSchema = z
  .object({
    approvers: z.record(
      z.string().trim().min(1).max(100),
      z.object({ roles: z.array(z.string().trim().min(1).max(100)).default([]) }).strict(),
    ),
  })
  .strict();

export type ApproversFile = z.infer<typeof approversFileSchema>;

export interface DirectoryEntry {
  readonly roles: readonly string[];
  /** Raw 32-byte Ed25519 public key, base64. */
  readonly publicKey?: string;
}

export interface ApproverDirectory {
  /** Keyed by identity (see `identityOf`). */
  readonly people: Readonly<Record<string, DirectoryEntry>>;
}

export const emptyDirectory: ApproverDirectory = { people: {} };

/** Names are compared case- and space-insensitively, so "Alice" cannot slip past a rule meant for "alice". */
export function identityOf(name: string): string {
  return name.trim().toLowerCase();
}
