// Public API of the report renderer (pure: no I/O). Writing files and printing the PDF live in
// src/jobs/report.
export type * from './reportInput.ts';
export { POPULATIONS, ENDPOINTS, ARMS } from './reportInput.ts';
export { ReportInputError } from './reportInputError.ts';
export { renderReport, type RenderedReport } from './renderReport.ts';
export { kmPlotSvg, cifPlotSvg, type CurvePlotOptions, type CurveSet } from './charts/curvePlot.ts';
export { forestPlotSvg, type ForestPlotOptions } from './charts/forestPlot.ts';
export { zPathSvg, type ZPathPlotOptions } from './charts/zPathPlot.ts';
export { tableToCsv, tableToJson, tableFromCsv, tableFromJson, type TableData, type TableJson, type Column, type Cell } from './tableData.ts';
export { formatCount, formatHr, formatHrCi, formatP, formatPercent, isSmallCell } from './format.ts';
export { alertSentence } from './sections/alertsSection.ts';
export { escapeHtml } from './escape.ts';
