/** ACTIVE_TEST supervision with an injected clock: C of silence, resend after T, drop after N. */
import { describe, expect, it } from "vitest";
import { KeepAlive } from "../../../cmpp/session/keepalive.ts";
import { resolveOptions } from "../../../cmpp/session/options.ts";

describe("KeepAlive", () => {
  it("defaults are the specification's C = 180 s, T = 60 s, N = 3", () => {
    const o = resolveOptions({});
    expect([o.activeTestIntervalMs, o.activeTestTimeoutMs, o.activeTestMaxMissed, o.windowSize]).toEqual([180_000, 60_000, 3, 16]);
  });

  it("probes at C, resends at C+T and C+2T, drops at C+3T", () => {
    const k = new KeepAlive({ intervalMs: 180_000, timeoutMs: 60_000, maxMissed: 3 }, 0);
    const timeline: string[] = [];
    for (let t = 0; t <= 420_000; t += 10_000) {
      const d = k.decide(t);
      if (d.action !== "none") timeline.push(`${t / 1000}:${d.action}`);
      if (d.action === "drop") break;
    }
    expect(timeline).toEqual(["180:probe", "240:probe", "300:probe", "360:drop"]);
  });

  it("an answer resets everything: the next probe comes C after it", () => {
    const k = new KeepAlive({ intervalMs: 100, timeoutMs: 50, maxMissed: 2 }, 0);
    expect(k.decide(100).action).toBe("probe");
    expect(k.decide(149).action).toBe("none");
    k.heard(149);
    expect(k.decide(200).action).toBe("none");
    expect(k.decide(249).action).toBe("probe");
    expect(k.decide(299).action).toBe("probe");
    expect(k.decide(349)).toEqual({ action: "drop", reason: "ACTIVE_TEST unanswered 2 times" });
  });

  it("C = 0 never probes", () => {
    const k = new KeepAlive({ intervalMs: 0, timeoutMs: 50, maxMissed: 2 }, 0);
    expect(k.decide(10 ** 9).action).toBe("none");
  });
});
