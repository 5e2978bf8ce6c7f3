/** A blob that does not exist (permanent for the caller: a retry finds nothing either). */
export class BlobNotFoundError extends Error {
  override name = 'BlobNotFoundError';
}

/** Bytes whose sha256 is not the one recorded for them (a corrupt or replaced blob). */
export class BlobIntegrityError extends Error {
  override name = 'BlobIntegrityError';
  constructor(
    readonly uri: string,
    readonly actual: string,
    readonly expected: string,
  ) {
    super(`${uri} has sha256 ${actual}, expected ${expected}`);
  }
}

/** The blob store named by config cannot be used (unreachable endpoint, missing bucket, bad credentials). */
export class BlobStoreUnavailableError extends Error {
  override name = 'BlobStoreUnavailableError';
}
