/** Whether a promise has settled once pending callbacks and I/O have run. */
export async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
