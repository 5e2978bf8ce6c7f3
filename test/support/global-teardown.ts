/** The server is stopped by scripts/test.sh (or left for reuse by the next `npx jest`). */
export default async function globalTeardown(): Promise<void> {}
