// A small pool of worker threads for `npm run calibrate`: registries are independent, so N threads run
// N at a time (the machine's cores). Each thread loads TypeScript itself through tsx, as the reanalysis
// job's plan thread does (src/jobs/runPlanInThread.ts).
import { Worker } from 'node:worker_threads';
import type { RegistryOutcome, RegistrySpec } from '../src/sim/calibration/registryMonitoring.ts';

const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx).then((tsx) => { tsx.register(); return import(workerData.entry); });
`;
const TSX_API = import.meta.resolve('tsx/esm/api');

type Reply = { ok: true; outcome: RegistryOutcome } | { ok: false; error: string };

/** Runs every spec on `threads` worker threads; `onDone` sees each outcome as it arrives. Results in spec order. */
export async function monitorRegistries(specs: readonly RegistrySpec[], threads: number, onDone: (outcome: RegistryOutcome) => void): Promise<RegistryOutcome[]> {
  const results: RegistryOutcome[] = new Array<RegistryOutcome>(specs.length);
  let next = 0;
  const runThread = () => new Promise<void>((resolve, reject) => {
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { entry: new URL('./calibrateThread.ts', import.meta.url).href, tsx: TSX_API } });
    let current = -1;
    const feed = () => {
      if (next >= specs.length) {
        void worker.terminate().then(() => resolve());
        return;
      }
      current = next++;
      worker.postMessage(specs[current]);
    };
    worker.on('message', (reply: Reply) => {
      if (!reply.ok) {
        void worker.terminate();
        reject(new Error(`registry ${JSON.stringify(specs[current])}: ${reply.error}`));
        return;
      }
      results[current] = reply.outcome;
      onDone(reply.outcome);
      feed();
    });
    worker.once('error', reject);
    worker.once('online', feed);
  });
  await Promise.all(Array.from({ length: Math.max(1, Math.min(threads, specs.length)) }, runThread));
  return results;
}
