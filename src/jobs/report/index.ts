// The report's I/O: files on disk and the PDF printed by headless chromium.
export { writeReport, type WriteReportOptions, type WrittenReport, type PdfOutcome } from './writeReport.ts';
export { printPdf } from './printPdf.ts';
export { CHROMIUM_ARGS, DEFAULT_CHROMIUM_PATH, chromiumAvailable, launchChromium } from './chromium.ts';
