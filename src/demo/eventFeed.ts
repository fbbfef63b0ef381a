// The simulated registry as a feed the replay drains quarter by quarter: the simulator yields events
// in reportedAt order, so everything reported before an instant is a prefix of what is left.
import type { SimEvent } from '../sim/index.ts';

export class EventFeed {
  private pending: IteratorResult<SimEvent> | null = null;
  private delivered = 0;

  constructor(private readonly events: Iterator<SimEvent>) {}

  /** How many events have been taken so far. */
  get taken(): number {
    return this.delivered;
  }

  /** The next events reported strictly before `instant`, at most `max` of them (an empty array when none are). */
  takeBefore(instant: Date, max: number): SimEvent[] {
    const batch: SimEvent[] = [];
    const limit = instant.getTime();
    while (batch.length < max) {
      this.pending ??= this.events.next();
      if (this.pending.done === true) break;
      const event = this.pending.value;
      if (Date.parse(event.reportedAt) >= limit) break;
      batch.push(event);
      this.pending = null;
    }
    this.delivered += batch.length;
    return batch;
  }
}
