/**
 * CONNECT as an adversary would try it: wrong authenticators, stale and future timestamps, unknown
 * SP codes, guessing until locked out, a CMPP code tried over SMPP, and the secret never stored in
 * clear. Over real sockets with the spec client.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { bindAccounts } from "../../../src/db/schema/index.ts";
import { chinaTimestamp, SpecClient } from "../spec-client.ts";
import { connectEsme } from "../../helpers/esme.ts";
import { waitFor } from "../../helpers/world.ts";
import { SP_CODE, SP_SECRET, startCmppWorld, type CmppWorld } from "./cmpp-world.ts";

let w: CmppWorld;
beforeAll(async () => {
  // Three failures lock an address out (the SMPP lockout settings apply to CMPP too).
  w = await startCmppWorld({ SMPP_BIND_LOCKOUT_FAILURES: "3" });
}, 120_000);
afterAll(async () => {
  await w?.close();
});

const attempt = async (o: { sourceAddr?: string; secret?: string; timestamp?: number; auth?: Buffer; versionByte?: number }) => {
  const client = await SpecClient.open(w.port);
  try {
    return (await client.connect({ sourceAddr: o.sourceAddr ?? SP_CODE, secret: o.secret ?? SP_SECRET, versionByte: o.versionByte ?? 0x20, timestamp: o.timestamp, auth: o.auth })).status;
  } finally {
    client.close();
  }
};

it("stores the shared secret sealed, never in clear, and never returns it", async () => {
  const [row] = await w.gateway.database.db.select().from(bindAccounts).where(eq(bindAccounts.systemId, SP_CODE));
  expect(row!.secretSealed).toMatch(/^v1\.[0-9a-f]{8}\./);
  expect(JSON.stringify(row)).not.toContain(SP_SECRET);
  const shown = await w.gateway.api.get(`/accounts/${w.accountId}`);
  expect(JSON.stringify(shown)).not.toContain(SP_SECRET);
  expect(shown).not.toHaveProperty("secretSealed");
  expect(shown.protocol).toBe("cmpp");
});

it("refuses a wrong secret, a stale timestamp and an unknown SP code, then locks the address out", async () => {
  expect(await attempt({ secret: "not-the-secret" })).toBe(3);
  const now = Date.now();
  // The right secret, but a timestamp 20 minutes old (a replayed CONNECT) and one 20 minutes ahead.
  expect(await attempt({ timestamp: chinaTimestamp(now - 20 * 60_000) })).toBe(3);
  expect(await attempt({ sourceAddr: "999999" })).toBe(2);
  // Three failures from this address: now even the right authenticator is refused (Status 10, locked out).
  expect(await attempt({})).toBe(10);
  const wanted = ["bind_bad_password", "bind_unknown_system_id", "bind_locked_out"];
  await waitFor(async () => {
    const refusals = await w.gateway.api.get<{ items: { reason: string; command: string }[] }>("/rejections?limit=50");
    const connects = new Set(refusals.items.filter((r) => r.command === "cmpp_connect").map((r) => r.reason));
    return wanted.every((reason) => connects.has(reason));
  }, 5000, "refused CONNECTs journaled");
});

it("a CMPP account does not exist for SMPP binds", async () => {
  await expect(connectEsme(w.gateway.smppPort, { systemId: SP_CODE, password: SP_SECRET.slice(0, 8) })).rejects.toBeDefined();
});
