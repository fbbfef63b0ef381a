// Mail prints counts through the report's one suppression function (src/reports/suppression.ts).
export { printedCount, suppressCounts, suppressRow } from '../reports/suppression.ts';
export type { CellStatus } from '../reports/suppression.ts';
