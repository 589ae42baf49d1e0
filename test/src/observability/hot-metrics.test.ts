import { expect, it } from "vitest";
import { Histogram, Registry } from "prom-client";
import { batchedCounter, HotHistogram } from "../../../src/observability/hot-metrics.ts";

/** What Prometheus scrapes must not change with the cheaper per-message path. */
it("exposes a histogram exactly as prom-client's own does for the same observations", async () => {
  const buckets = [0.0005, 0.001, 0.002, 0.005, 0.01];
  const reference = new Registry();
  const hot = new Registry();
  const theirs = new Histogram({ name: "t_seconds", help: "h", buckets, registers: [reference] });
  const ours = new HotHistogram("t_seconds", "h", buckets, hot);
  expect(await hot.metrics()).toBe(await reference.metrics());
  // Values on the bounds fall in that bucket (le), and above the last only in +Inf.
  for (const value of [0, 0.0005, 0.0007, 0.001, 0.0049, 0.005, 0.02, 3, 0.00001]) {
    theirs.observe(value);
    ours.observe(value);
  }
  expect(await hot.metrics()).toBe(await reference.metrics());
});

it("counts batched increments exactly once, next to direct ones, on every read", async () => {
  const registry = new Registry();
  const counter = batchedCounter({ name: "t_total", help: "h", labelNames: ["verdict"], registers: [registry] });
  const accepted = counter.batched({ verdict: "accepted" });
  expect(counter.batched({ verdict: "accepted" })).toBe(accepted);
  for (let i = 0; i < 5; i++) accepted.inc();
  counter.inc({ verdict: "accepted" }, 2);
  counter.batched({ verdict: "refused" }).inc();
  expect(await registry.metrics()).toContain('t_total{verdict="accepted"} 7');
  expect(await registry.metrics()).toContain('t_total{verdict="accepted"} 7');
  accepted.inc();
  const values = (await counter.get()).values;
  expect(values.find((v) => v.labels.verdict === "accepted")?.value).toBe(8);
  expect(values.find((v) => v.labels.verdict === "refused")?.value).toBe(1);
});
