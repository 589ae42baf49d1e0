import { createServer, type AddressInfo, type Socket } from "node:net";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { resultRows } from "../../../src/db/rows.ts";
import { loadInBulk } from "../../../src/registry/bulk-load.ts";
import { buildOnThreads, spreadSets } from "../../../src/registry/keyed-set-threads.ts";
import { asOfSql, KEYED_SETS, type KeyedSetSource, type RangeTask } from "../../../src/registry/keyed-sets.ts";
import { RegistrySnapshot } from "../../../src/registry/snapshot.ts";
import { seedRegistry } from "../../bench/registry-seed.ts";
import { freePort } from "../../helpers/private-postgres.ts";
import { testBackend, useTestDatabase } from "../../helpers/database.ts";

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
  const port = await freePort();
  const jobs = spreadSets([task("optOuts", 0, undefined)], new Map([["optOuts", 10]]), 1);
  await expect(buildOnThreads({ url: `postgres://nobody@127.0.0.1:${port}/none`, id: "00000003-0000001B-1" }, "now()", jobs)).rejects.toThrow(/keyed-set thread: .*(ECONNREFUSED|refused)/i);
}, 20_000);

it("stops its threads at once when the rest of the load has failed", async () => {
  // A server that accepts and never answers: each thread waits on its connection.
  const sockets: Socket[] = [];
  const silent = createServer((socket) => void sockets.push(socket)).listen(0, "127.0.0.1");
  await new Promise((resolve) => silent.once("listening", resolve));
  const port = (silent.address() as AddressInfo).port;
  const failed = new AbortController();
  const jobs = spreadSets([task("optOuts", 0, undefined), task("consents", 0, undefined)], new Map([["optOuts", 10], ["consents", 5]]), 2);
  const started = performance.now();
  const building = buildOnThreads({ url: `postgres://nobody@127.0.0.1:${port}/none`, id: "00000003-0000001B-1" }, "now()", jobs, failed.signal);
  setTimeout(() => failed.abort(), 200);
  await expect(building).rejects.toThrow(/keyed-set threads stopped/);
  expect(performance.now() - started).toBeLessThan(2_000); // not the connection's 5 s timeout
  for (const socket of sockets) socket.destroy();
  silent.close();
});

describe("a bulk load whose thread fails (PostgreSQL)", () => {
  const database = useTestDatabase();

  it("fails with the thread's own error, not the stop it caused in the signatures", async () => {
    if (testBackend() === "pglite") {
      expect(database.bulkRead).toBeUndefined();
      return;
    }
    await seedRegistry(database, { name: "tiny", serviceProviders: 2, ports: 4, enterprises: 6, optOuts: 300, doNotDisturb: 20, consents: 120 });
    // A set the threads do not know: its thread fails as it starts.
    const unknown: KeyedSetSource = { name: "unknownToThreads", table: "opt_outs", perEnterprise: true };
    // The signatures' COPY starts 2 s late, so they are still loading when the thread fails.
    const bulkRead: typeof database.bulkRead = (connections, work) =>
      database.bulkRead!(connections, (readers, shared) =>
        work(
          readers.map((reader) => ({
            ...reader,
            copyRows: async (query, onRow, options) => {
              if (query.includes("from signatures")) await new Promise((resolve) => setTimeout(resolve, 2_000));
              return reader.copyRows(query, onRow, options);
            },
          })),
          shared,
        ),
      );
    const snapshot = new RegistrySnapshot();
    const started = performance.now();
    await expect(loadInBulk(bulkRead, snapshot, [unknown], asOfSql(Date.now()), { estimatedRows: 300, threads: 1 })).rejects.toThrow(/no keyed set named unknownToThreads/);
    // The signatures stopped at their first row: none of the tiny world's signatures is in.
    expect(snapshot.signaturesById.size).toBe(0);
    expect(performance.now() - started).toBeGreaterThan(1_900);
    // The database's connections are free again.
    expect(resultRows<{ n: number }>(await database.db.execute(sql`select 1 as n`))[0]!.n).toBe(1);
  }, 30_000);
});
