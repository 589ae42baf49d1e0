import { createServer, type AddressInfo } from "node:net";
import { expect, it } from "vitest";
import { buildOnThreads, spreadSets } from "../../../src/registry/keyed-set-threads.ts";
import { KEYED_SETS, type RangeTask } from "../../../src/registry/keyed-sets.ts";

const source = (name: string) => KEYED_SETS.find((each) => each.name === name)!;
const task = (name: string, from: number, to: number | undefined): RangeTask => ({ source: source(name), asOf: "now()", from, to });

it("gives each set whole to one thread, the largest first onto the least loaded", () => {
  const tasks = [task("optOuts", 0, 100), task("optOuts", 100, undefined), task("consents", 0, undefined), task("doNotDisturb", 0, undefined)];
  const estimates = new Map([["optOuts", 10_000_000], ["consents", 9_000_000], ["doNotDisturb", 100_000]]);
  const jobs = spreadSets(tasks, estimates, 2);
  expect(jobs.map((sets) => sets.map((set) => set.name))).toEqual([["optOuts"], ["consents", "doNotDisturb"]]);
  expect(jobs[0]![0]!.ranges).toEqual([{ from: 0, to: 100 }, { from: 100, to: undefined }]);
  // More threads than sets: no thread without work.
  expect(spreadSets(tasks, estimates, 8)).toHaveLength(3);
  expect(spreadSets(tasks, estimates, 1).flat().map((set) => set.name)).toEqual(["optOuts", "consents", "doNotDisturb"]);
});

it("fails the load with the thread's own error when a thread cannot reach the database", async () => {
  // A port that was listening a moment ago and is closed now: the connection is refused.
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  const jobs = spreadSets([task("optOuts", 0, undefined)], new Map([["optOuts", 10]]), 1);
  await expect(buildOnThreads({ url: `postgres://nobody@127.0.0.1:${port}/none`, id: "00000003-0000001B-1" }, new Uint32Array(0), "now()", jobs)).rejects.toThrow(/keyed-set thread: .*(ECONNREFUSED|refused)/i);
}, 20_000);
