// Worker thread of `npm run calibrate`: monitors the simulated registries it is sent, one at a time,
// with the production monitoring function, and posts each outcome back.
import { parentPort } from 'node:worker_threads';
import { DEFAULT_PLAN } from '../src/analysis/plan.ts';
import { monitorRegistry } from '../src/sim/calibration/registryMonitoring.ts';
import type { RegistrySpec } from '../src/sim/calibration/registryMonitoring.ts';

if (parentPort === null) throw new Error('calibrateThread.ts runs as a worker thread of scripts/calibrate.ts');
const port = parentPort;
port.on('message', (spec: RegistrySpec) => {
  try {
    port.postMessage({ ok: true, outcome: monitorRegistry(DEFAULT_PLAN, spec) });
  } catch (error) {
    port.postMessage({ ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) });
  }
});
