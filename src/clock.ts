/** The one source of time. Production reads the system clock; tests move a manual one. */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** A clock that stands still until told to move. */
export class ManualClock implements Clock {
  private current: Date

  constructor(start: Date | string = new Date()) {
    this.current = new Date(start)
  }

  now(): Date {
    return new Date(this.current)
  }

  set(instant: Date | string): void {
    this.current = new Date(instant)
  }

  advance(milliseconds: number): void {
    this.current = new Date(this.current.getTime() + milliseconds)
  }
}
