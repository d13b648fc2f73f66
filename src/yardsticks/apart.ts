// Fits apart (`backprop bench --threads`): one model per core, each fitting on one thread in a worker
// of its own, all at once — the work of 2 threads with nothing shared between them, no barrier and no
// row handed from one core to the other. Timed in turn with the threads rows, it says what the machine
// gave two cores at that moment: a shared machine's two virtual cores at times run two fits at once at
// half the speed of one (docs/speed.md), and then no sharing of a batch could do better.
import { Model } from '../model.js';
import { WorkerTrainer } from '../worker/workerTrainer.js';
import { modeFitOptions, type BenchEngine, type BenchMode, type BenchNetwork } from './benchmark.js';

/**
 * `count` fits apart for the groups `timed` picks (undefined rows for the rest); `close` ends their
 * workers once the bench is done with them.
 */
export function apartEngine(count: number, timed: (network: BenchNetwork, mode: BenchMode) => boolean): BenchEngine & { close(): Promise<void> } {
  const trainers: WorkerTrainer[] = [];
  return {
    id: `apart-${count}`,
    threads: count,
    repSeconds: 0.1,
    async open(network, mode, data) {
      if (!timed(network, mode)) return undefined;
      const mine = Array.from({ length: count }, () => new WorkerTrainer(new Model(network.model)));
      for (const t of mine) trainers.push(t);
      // flat rows: a fit's message copies them to each worker in a fraction of a millisecond
      const x = Float64Array.from(data.x.flat()), y = Float64Array.from(data.y.flat());
      const fit = { ...modeFitOptions(mode), engine: 'wasm' as const, threads: 1 };
      return async (samples) => {
        const epochs = Math.max(1, Math.round(samples / data.rows));
        const start = performance.now();
        await Promise.all(mine.map((t) => t.fit(x, y, { ...fit, epochs })));
        return { samples: count * epochs * data.rows, seconds: (performance.now() - start) / 1000 };
      };
    },
    async close() {
      await Promise.all(trainers.splice(0).map((t) => t.terminate()));
    },
  };
}
