import { connect, createServer, type AddressInfo, type Socket } from "node:net";
import { expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { openDatabase } from "../../../src/db/client.ts";
import { resultRows } from "../../../src/db/rows.ts";
import { testBackend, useTestDatabase } from "../../helpers/database.ts";

/**
 * Database.bulkRead (PostgreSQL only: PGlite has no second connection to share a snapshot with)
 * is how a proxy loads the national registry at start-up. A row handler that fails must fail the
 * load, loudly, and leave the connections usable: a silent hang here is a proxy that never starts.
 */
const database = useTestDatabase();

it("fails a COPY whose row handler throws, after reading it to its end, and the connections go on", async () => {
  if (testBackend() === "pglite") {
    expect(database.bulkRead).toBeUndefined();
    return;
  }
  const bulkRead = database.bulkRead!.bind(database);
  // 20,000 rows of 1 KB: far more than a stream buffers, so postgres.js pauses the socket while
  // the handler is still at the first row.
  const copy = "select i, repeat('x', 1000) from generate_series(1, 20000) i";
  let seen = 0;
  const failure = await bulkRead(2, async (readers) => {
    const other = readers[1]!.copyRows(copy, () => void seen++);
    await expect(readers[0]!.copyRows(copy, () => {
      throw new Error("handler failed on purpose");
    })).rejects.toThrow("handler failed on purpose");
    await other;
    // The failed reader's connection is free for the next query of the load.
    return readers[0]!.query<{ one: number }>("select 1 as one");
  });
  expect(failure).toEqual([{ one: 1 }]);
  expect(seen).toBe(20_000);
  // And the pool still answers once bulkRead has rolled its connections back.
  expect(resultRows<{ n: number }>(await database.db.execute(sql`select 2 as n`))[0]!.n).toBe(2);
}, 30_000);

/**
 * A TCP proxy to PostgreSQL that hands the client each CopyDone ('c') with what came before it,
 * and what follows it (CommandComplete, ReadyForQuery) 30 ms later: a split any busy network makes
 * now and then. Server messages are a type byte and a 32-bit length (no SSL here).
 */
async function splittingProxy(target: URL): Promise<{ port: number; close(): void }> {
  const sockets: Socket[] = [];
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    sockets.push(client, upstream);
    client.pipe(upstream);
    let pending = Buffer.alloc(0);
    let held = false;
    const forward = () => {
      let at = 0;
      while (!held && pending.length - at >= 5) {
        const end = at + 1 + pending.readUInt32BE(at + 1);
        if (end > pending.length) break;
        const copyDone = pending[at] === 0x63;
        at = end;
        if (copyDone) {
          client.write(pending.subarray(0, at));
          pending = pending.subarray(at);
          at = 0;
          held = true;
          setTimeout(() => {
            held = false;
            forward();
          }, 30);
        }
      }
      if (held) return;
      client.write(pending.subarray(0, at));
      pending = pending.subarray(at);
    };
    upstream.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      forward();
    });
    for (const socket of [client, upstream]) socket.on("error", () => sockets.forEach((s) => s.destroy()));
    upstream.on("close", () => client.destroy());
    client.on("close", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

it("goes on after a COPY whose last row filled the stream and whose completion came in a later socket read", async () => {
  if (testBackend() === "pglite") return;
  const server = new URL(process.env.TEST_DATABASE_URL!);
  const proxy = await splittingProxy(server);
  const url = new URL(server);
  url.hostname = "127.0.0.1";
  url.port = String(proxy.port);
  const proxied = await openDatabase({ url: url.toString(), poolSize: 2 });
  try {
    let rows = 0;
    // One row of 100 kB: more than the stream buffers, so postgres.js pauses the socket as it
    // pushes it, right before the CopyDone; CommandComplete arrives 30 ms later. It used to wait
    // there forever (a proxy that never started: the next range's COPY queued behind it).
    const load = proxied.bulkRead!(1, async ([reader]) => {
      for (let i = 0; i < 3; i++) await reader!.copyRows("select repeat('x', 100000)", () => void rows++);
      return reader!.query<{ one: number }>("select 1 as one");
    });
    const outcome = await Promise.race([load, new Promise((resolve) => setTimeout(() => resolve("still waiting after 5 s"), 5000))]);
    expect(outcome).toEqual([{ one: 1 }]);
    expect(rows).toBe(3);
  } finally {
    proxy.close();
    await proxied.close().catch(() => {});
  }
}, 30_000);
