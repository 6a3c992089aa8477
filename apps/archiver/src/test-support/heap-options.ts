/**
 * The V8 flags the archiver's container runs it with (see the Dockerfile's
 * ARCHIVER_HEAP_MIB): old space the memory budget plus 128 MiB, an 8 MiB young
 * generation, so garbage is collected before RSS drifts far above live data.
 */
export function heapOptions(budgetMib: number): string[] {
  return [`--max-old-space-size=${budgetMib + 128}`, '--max-semi-space-size=8'];
}
