import { closeSync, openSync, writeSync } from 'node:fs';
import { mulberry32 } from './mulberry32.ts';

/** True log hazard ratios of x1..x8 in the generated data. */
export const SURVIVAL_CSV_BETA = [0.5, -0.4, 0.3, -0.2, 0.15, -0.1, 0.05, 0];

/**
 * Writes a seeded survival CSV as a registry export would look: `time` (3 decimals unless `timeDigits`, ~60% events),
 * `status` 0/1, `cause` 0 (censored) / 1 / 2 for competing risks, `group` 1/2 (the arm, with a true
 * HR of 0.8), and covariates x1..x8 ~ N(0, 1) with 4 decimals. About 78 bytes a row (1M rows ≈ 78 MB).
 * Written in chunks, so the file never sits in memory whole.
 */
export function writeSurvivalCsv(path: string, rows: number, options: { seed?: number; timeDigits?: number } = {}): void {
  const timeDigits = options.timeDigits ?? 3;
  const u = mulberry32(options.seed ?? 20261130);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const p = SURVIVAL_CSV_BETA.length;
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, `time,status,cause,group,${Array.from({ length: p }, (_, j) => `x${j + 1}`).join(',')}\n`);
    let chunk: string[] = [];
    for (let i = 0; i < rows; i++) {
      const x: string[] = [];
      let eta = 0;
      for (let j = 0; j < p; j++) {
        const v = normal();
        x.push(v.toFixed(4));
        eta += SURVIVAL_CSV_BETA[j] * Number(x[j]);
      }
      const group = u() < 0.5 ? 1 : 2;
      if (group === 2) eta += Math.log(0.8);
      const t = -Math.log(1 - u()) / (0.1 * Math.exp(eta));
      const c = -Math.log(1 - u()) / 0.062;
      const event = t <= c;
      const cause = event ? (u() < 0.7 ? 1 : 2) : 0;
      chunk.push(`${Math.min(t, c).toFixed(timeDigits)},${event ? 1 : 0},${cause},${group},${x.join(',')}`);
      if (chunk.length === 10_000) {
        writeSync(fd, `${chunk.join('\n')}\n`);
        chunk = [];
      }
    }
    if (chunk.length > 0) writeSync(fd, `${chunk.join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
}
