// Rules that relate two fields of one valid-shaped event. Rules that need other events (dates before
// PTR or after death) are data-quality conflicts found by the timeline, not rejections.
import { daysBetween } from './calendarDate.ts';
import { parseOffsetDateTime } from './offsetDateTime.ts';
import type { FollowUpEvent } from './schemas.ts';
import type { RejectionCode } from './rejectionCode.ts';

export interface CrossFieldProblem {
  readonly reason: string;
  readonly code: Extract<RejectionCode, 'occurredAfterReported' | 'inconsistentFields'>;
}

const inconsistent = (reason: string): CrossFieldProblem => ({ reason, code: 'inconsistentFields' });

function reportingDate(reportedAt: string): { date: string; offset: string } {
  const parsed = parseOffsetDateTime(reportedAt);
  if (!parsed.ok) throw new RangeError(`reportedAt ${reportedAt} was not validated`);
  return { date: parsed.value.localDate, offset: parsed.value.offset };
}

/** The first cross-field rule the event breaks, as a one-line reason; null when it breaks none. */
export function crossFieldProblem(event: FollowUpEvent): CrossFieldProblem | null {
  const reporting = reportingDate(event.reportedAt);
  const readIn = `(reportedAt read in its own offset ${reporting.offset})`;
  // The registry cannot have learned of something that had not happened yet on the day it learned it.
  if (daysBetween(reporting.date, event.occurredOn) > 0) {
    return { reason: `occurredOn ${event.occurredOn} is after the reporting date ${reporting.date} ${readIn}`, code: 'occurredAfterReported' };
  }
  if (event.type === 'registration') {
    const started = event.baseline.portStartedOn;
    if (started !== null && started !== undefined) {
      if (!event.baseline.port) return inconsistent('portStartedOn is only allowed when port is true');
      // PORT is postoperative radiotherapy: it cannot start before the resection (occurredOn).
      if (daysBetween(event.occurredOn, started) < 0) {
        return inconsistent(`portStartedOn ${started} is before the PTR date ${event.occurredOn} (occurredOn); PORT is postoperative`);
      }
      if (daysBetween(reporting.date, started) > 0) {
        return inconsistent(`portStartedOn ${started} is after the reporting date ${reporting.date} ${readIn}`);
      }
    }
  }
  if (event.type === 'retraction' && event.retracts === event.eventId) {
    return inconsistent(`a retraction cannot retract itself (retracts equals eventId ${JSON.stringify(event.eventId)})`);
  }
  return null;
}
