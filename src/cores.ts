// How many cores 'auto' may use: a search's workers (src/search/pool.ts) and a fit's threads
// (src/threads.ts) both ask here.
let countCores: () => number = () => (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;

/** Set by the Node entry: how many cores 'auto' may use (Node 20 has no navigator.hardwareConcurrency). */
export function setCoreCount(count: () => number): void {
  countCores = count;
}

/** How many cores 'auto' may use (a search's workers, a fit's threads). */
export function coreCount(): number {
  return countCores();
}
