import type { KmTable } from './types.ts';

export interface RestrictedMean {
  value: number;
  se: number;
  endTime: number;
}

/**
 * Restricted mean survival time: the area under S from `startTime` to `endTime`, with the variance
 * Σ_j d_j/(n_j(n_j − d_j)) · (area after t_j)², R's `survmean` (Miller 1981, pp. 195-196).
 * Terms with n_j = d_j contribute 0, as in R.
 */
export function restrictedMean(table: KmTable, endTime: number, startTime = 0): RestrictedMean {
  const times: number[] = [];
  const survs: number[] = [];
  const hazardTerms: number[] = [];
  for (let j = 0; j < table.time.length && table.time[j] <= endTime; j++) {
    const n = table.nRisk[j];
    const d = table.nEvent[j];
    times.push(table.time[j]);
    survs.push(table.surv[j]);
    hazardTerms.push(n - d === 0 ? 0 : d / (n * (n - d)));
  }
  times.push(endTime);
  survs.push(survs.length > 0 ? survs[survs.length - 1] : 1);
  hazardTerms.push(0);

  const m = times.length;
  const rectangles = new Float64Array(m);
  let previousTime = startTime;
  let previousSurv = 1;
  for (let j = 0; j < m; j++) {
    rectangles[j] = (times[j] - previousTime) * previousSurv;
    previousTime = times[j];
    previousSurv = survs[j];
  }
  let value = startTime;
  for (const r of rectangles) value += r;
  let variance = 0;
  let areaAfter = 0;
  for (let j = m - 2; j >= 0; j--) {
    areaAfter += rectangles[j + 1];
    variance += areaAfter * areaAfter * hazardTerms[j];
  }
  return { value, se: Math.sqrt(variance), endTime };
}
