// The one reason text of a "same eventId, another payload" conflict, whoever detects it: the worker
// (the eventId is already stored) or `cohortwatch ingest` (two payloads in one file, which the queue
// cannot carry because the job id derives from the eventId).
export function conflictReason(eventId: string): string {
  return `eventId ${eventId} was already stored with a different payload; the first one stands`;
}
