/** The report input holds something the report cannot render faithfully; the message is one line. */
export class ReportInputError extends Error {
  override name = 'ReportInputError';
}
