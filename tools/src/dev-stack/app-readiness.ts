/** The last answer of an app's `/readyz`, for messages. */
export interface ReadinessState {
  ready: boolean;
  detail: string;
}

/** One look at `GET /readyz` of an operations server. */
export async function readinessOf(opsUrl: string): Promise<ReadinessState> {
  try {
    const response = await fetch(`${opsUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
    return { ready: response.status === 200, detail: `${response.status} ${await response.text()}` };
  } catch (error) {
    return { ready: false, detail: (error as Error).message };
  }
}

/**
 * Polls `/readyz` until it answers 200 or `timeoutMs` passed; resolves with
 * the last state either way, so the caller says what is not ready and why.
 */
export async function waitUntilReady(opsUrl: string, timeoutMs: number, pollMs = 500): Promise<ReadinessState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await readinessOf(opsUrl);
    if (state.ready || Date.now() >= deadline) return state;
    await new Promise((wait) => setTimeout(wait, pollMs));
  }
}
