// Thinning of a step function for drawing. A KM curve of 100k patients has tens of thousands of
// steps, far more than a 420-pixel-wide chart can show; drawing them all made a 30 MB page.
import type { CurvePoint } from '../reportInput.ts';

/**
 * Height resolution of the drawn curves: 0.002 of the [0, 1] axis, half a pixel on a 260-pixel
 * plot, so the thinned curve is indistinguishable from the full one.
 */
export const DRAW_TOLERANCE = 0.002;

/**
 * Keeps the first and last points and every point where the estimate or a CI bound has moved by
 * at least `tolerance` since the last kept point. Drawn step-after, the thinned curve differs from
 * the full one by less than `tolerance` everywhere (it lags small drops until they add up).
 */
export function thinSteps(points: readonly CurvePoint[], tolerance: number = DRAW_TOLERANCE): CurvePoint[] {
  const kept: CurvePoint[] = [];
  let last: CurvePoint | undefined;
  points.forEach((p, i) => {
    const moved =
      last === undefined ||
      i === points.length - 1 ||
      Math.abs(p.estimate - last.estimate) >= tolerance ||
      Math.abs(p.lower - last.lower) >= tolerance ||
      Math.abs(p.upper - last.upper) >= tolerance;
    if (moved) {
      kept.push(p);
      last = p;
    }
  });
  return kept;
}
