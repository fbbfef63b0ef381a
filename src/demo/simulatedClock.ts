/**
 * The replay's clock: what "now" is for the services that ask (the event worker stamps received_at
 * with it). Only the replay driver moves it, and only forwards, one scheduler tick at a time.
 */
export class SimulatedClock {
  private current: Date;

  constructor(start: Date) {
    this.current = new Date(start.getTime());
  }

  readonly now = (): Date => new Date(this.current.getTime());

  advanceTo(instant: Date): void {
    if (instant < this.current) throw new RangeError(`the simulated clock cannot go back from ${this.current.toISOString()} to ${instant.toISOString()}`);
    this.current = new Date(instant.getTime());
  }
}
