/**
 * Escalation: a signal still open (never acknowledged since it was opened or reopened) for more than
 * `days` days at a look is re-sent to its estimand's subscribers. `openSince` is when it was last
 * opened or reopened; `remindedAtThisLook` keeps it to one reminder per look.
 */
export function reminderDue(input: { state: string; openSince: Date; now: Date; days: number; remindedAtThisLook: boolean }): boolean {
  if (input.state !== 'open' || input.remindedAtThisLook) return false;
  return input.now.getTime() - input.openSince.getTime() > input.days * 86_400_000;
}
