import { asc } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rejections } from "../../../src/db/schema/index.ts";
import { ApiClient } from "../../../demo/api-client.ts";
import { commandStatusFor } from "../../../src/policy/reasons.ts";
import { connectEsme } from "../../helpers/esme.ts";
import { useWorld, waitFor } from "../../helpers/world.ts";

const t = useWorld({ env: { SMPP_BIND_LOCKOUT_FAILURES: "3", SMPP_BIND_LOCKOUT_MS: "60000" } });

async function refusedBind(credentials: { systemId: string; password: string }, mode: "transceiver" | "transmitter" | "receiver" = "transceiver"): Promise<number> {
  const esme = await connectEsme(t.gateway.smppPort, credentials, mode).catch((error: { status?: number }) => error);
  if (!("status" in esme) || typeof esme.status !== "number") throw new Error("the bind was expected to be refused");
  return esme.status;
}

async function journalRows() {
  await t.gateway.journal.flush();
  return t.gateway.testDatabase.db.select().from(rejections).orderBy(asc(rejections.id));
}

describe("refused binds are journaled", () => {
  it("journals a wrong password and an unknown system_id with reason, command, account, SP and remote address, and no password", async () => {
    expect(await refusedBind({ systemId: t.world.accountA.systemId, password: "wrong123" }, "transmitter")).toBe(commandStatusFor("bind_bad_password"));
    expect(await refusedBind({ systemId: "nobody", password: "secret99" }, "receiver")).toBe(commandStatusFor("bind_unknown_system_id"));

    const rows = await journalRows();
    expect(rows.map((r) => ({ reason: r.reason, command: r.command, accountId: r.accountId, spId: r.spId, remoteAddress: r.remoteAddress, text: r.text, monitor: r.monitor }))).toEqual([
      { reason: "bind_bad_password", command: "bind_transmitter", accountId: t.world.accountA.id, spId: t.world.spA.id, remoteAddress: "127.0.0.1", text: null, monitor: false },
      { reason: "bind_unknown_system_id", command: "bind_receiver", accountId: null, spId: null, remoteAddress: "127.0.0.1", text: "system_id: nobody", monitor: false },
    ]);
    for (const row of rows) expect(row).toMatchObject({ portId: null, sourceAddr: null, recipientHash: null });
    expect(JSON.stringify(rows)).not.toMatch(/wrong123|secret99|hx123456/);

    // The SP sees the refusal on its own account in its journal; the unknown system_id is the operator's only.
    const spToken = await t.gateway.api.post<{ secret: string }>("/tokens", { name: "sp a", role: "sp", spId: t.world.spA.id });
    const asSp = new ApiClient(t.gateway.httpUrl, spToken.secret);
    expect((await asSp.get<{ items: { reason: string }[] }>("/rejections")).items.map((r) => r.reason)).toEqual(["bind_bad_password"]);
  });

  it("journals a bind from outside the account's allowlist, and the review finds bind_address_outside_allowlist from it", async () => {
    await t.gateway.api.call("PATCH", `/accounts/${t.world.accountB.id}`, { allowedIps: ["10.9.9.0/24"], reason: "test" });
    await waitFor(() => t.gateway.registry.snapshot.accountsById.get(t.world.accountB.id)?.allowedIps.length === 1);
    expect(await refusedBind(t.world.accountB)).toBe(commandStatusFor("bind_address_not_allowed"));

    const rows = await journalRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ reason: "bind_address_not_allowed", command: "bind_transceiver", accountId: t.world.accountB.id, spId: t.world.spB.id, remoteAddress: "127.0.0.1" });

    const now = Date.now();
    const review = await t.gateway.api.post<{ id: string }>("/reviews", { from: new Date(now - 3600_000).toISOString(), to: new Date(now + 60_000).toISOString() });
    const findings = await t.gateway.api.get<{ items: { type: string; subjectType: string; subjectId: string; spId: string; evidence: any }[] }>(
      `/reviews/${review.id}/findings?type=bind_address_outside_allowlist`,
    );
    expect(findings.items).toHaveLength(1);
    expect(findings.items[0]).toMatchObject({ subjectType: "account", subjectId: t.world.accountB.id, spId: t.world.spB.id });
    expect(findings.items[0]!.evidence.addresses).toEqual([{ address: "127.0.0.1", count: 1 }]);
    expect(findings.items[0]!.evidence.allowedIps).toEqual(["10.9.9.0/24"]);
    expect(findings.items[0]!.evidence.samples[0]).toMatchObject({ reason: "bind_address_not_allowed", text: null });
  });

  it("does not write one row per attempt for a locked-out address hammering binds: the first is journaled, the rest counted", async () => {
    for (const password of ["wrong111", "wrong222", "wrong333"]) expect(await refusedBind({ systemId: t.world.accountA.systemId, password })).toBe(commandStatusFor("bind_bad_password"));
    for (let i = 0; i < 20; i++) expect(await refusedBind(t.world.accountA)).toBe(commandStatusFor("bind_locked_out"));

    const rows = await journalRows();
    expect(rows.map((r) => r.reason)).toEqual(["bind_bad_password", "bind_bad_password", "bind_bad_password", "bind_locked_out"]);
    expect(rows[3]).toMatchObject({ accountId: t.world.accountA.id, spId: t.world.spA.id, remoteAddress: "127.0.0.1" });
    const coalesced = (await t.gateway.metrics.bindRefusalsCoalesced.get()).values;
    expect(coalesced).toEqual([expect.objectContaining({ labels: { reason: "bind_locked_out" }, value: 19 })]);
    const attempts = (await t.gateway.metrics.bindAttempts.get()).values.find((v) => v.labels.outcome === "locked_out");
    expect(attempts?.value).toBe(20);
  });
});
