import { forestPlotSvg } from '../reports/index.ts';
import type { ForestRow } from '../reports/index.ts';

/** The report's forest plot (naive and repeated CIs, published HRs), embedded inline in the alert mail. */
export function forestSvgForMail(rows: readonly ForestRow[], smallCellMin: number): Promise<string> {
  return forestPlotSvg(rows, { smallCellMin, description: 'PORT hazard ratios of the monitoring model at this look' });
}
