/**
 * Link supervision by ACTIVE_TEST, as the specification sets it: after C of silence from the
 * peer send ACTIVE_TEST; if T passes without an answer send it again; after N unanswered in a
 * row the link is dead. Any whole frame from the peer counts as an answer. Pure: the caller
 * passes the time and acts on the decision.
 */
export interface KeepAliveSettings {
  intervalMs: number; // C; 0 = never probe
  timeoutMs: number; // T
  maxMissed: number; // N
}

export type KeepAliveDecision = { action: "none" } | { action: "probe" } | { action: "drop"; reason: string };

export class KeepAlive {
  private lastHeardAt: number;
  private probe: { sentAt: number; missed: number } | undefined;

  constructor(private readonly s: KeepAliveSettings, now: number) {
    this.lastHeardAt = now;
  }

  heard(now: number): void {
    this.lastHeardAt = now;
    this.probe = undefined;
  }

  /** What to do at `now`; a "probe" decision counts the probe as sent. */
  decide(now: number): KeepAliveDecision {
    if (this.s.intervalMs <= 0) return { action: "none" };
    const probe = this.probe;
    if (probe === undefined) {
      if (now - this.lastHeardAt < this.s.intervalMs) return { action: "none" };
      this.probe = { sentAt: now, missed: 0 };
      return { action: "probe" };
    }
    if (now - probe.sentAt < this.s.timeoutMs) return { action: "none" };
    if (probe.missed + 1 >= this.s.maxMissed) return { action: "drop", reason: `ACTIVE_TEST unanswered ${this.s.maxMissed} times` };
    this.probe = { sentAt: now, missed: probe.missed + 1 };
    return { action: "probe" };
  }
}
