/**
 * Deterministic canary routing. A request that carries an id is routed by a hash of it (the same id always
 * lands on the same version); one without is routed by a per-model counter that spreads exactly `percent`
 * of every 100 consecutive requests to the candidate.
 */

/** FNV-1a (32 bit) of the id, reduced to a bucket 0..99. */
export function bucketOf(requestId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < requestId.length; i++) {
    h ^= requestId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % 100;
}

export const idRoutesToCandidate = (requestId: string, percent: number): boolean => bucketOf(requestId) < percent;

/** True for exactly `percent` of the counters 0..99 (and of each following block of 100), evenly spaced. */
export const counterRoutesToCandidate = (counter: number, percent: number): boolean =>
  Math.floor(((counter % 100) + 1) * percent / 100) > Math.floor((counter % 100) * percent / 100);
