/** The one way tests wait: poll a condition, fail with what was awaited. */

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves with the milliseconds it took once `check` holds (checked at once, then every 5 ms);
 * rejects naming `what` when `timeoutMs` passes first. `check` may be async.
 */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 3000, what = "condition"): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await sleep(5);
  }
  return performance.now() - started;
}
