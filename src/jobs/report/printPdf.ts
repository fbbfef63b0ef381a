// Prints a rendered report's HTML file to PDF in headless chromium (A4, the report's print CSS).
import { pathToFileURL } from 'node:url';
import { launchChromium } from './chromium.ts';

const FOOTER = `<div style="width:100%;font-family:'Liberation Sans',Arial,sans-serif;font-size:7pt;color:#666;text-align:center;">
CohortWatch quarterly report · page <span class="pageNumber"></span> of <span class="totalPages"></span></div>`;

/**
 * Opens `htmlPath` (a file; the report is self-contained, so every other request is refused) and
 * writes the PDF to `pdfPath`.
 */
export async function printPdf(htmlPath: string, pdfPath: string, chromiumPath: string): Promise<void> {
  const browser = await launchChromium(chromiumPath);
  try {
    const page = await browser.newPage();
    await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    await page.pdf({
      path: pdfPath,
      preferCSSPageSize: true,
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: '<div></div>',
      footerTemplate: FOOTER,
    });
  } finally {
    await browser.close();
  }
}
