/**
 * Rate limits, their journal rows and the traffic counters, over real SMPP (node-smpp as the ESME)
 * against the in-process gateway and its SMSC simulator.
 */
import { asc } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rejections, trafficDaily } from "../../../src/db/schema/index.ts";
import { commandStatusFor } from "../../../src/policy/reasons.ts";
import { buildConcatUdh, encodeText } from "../../../src/text/index.ts";
import { CommandStatus } from "../../../smpp/wire/commands.ts";
import { connectEsme } from "../../helpers/esme.ts";
import { useWorld, waitFor } from "../../helpers/world.ts";

const t = useWorld({ env: { SMPP_CONCAT_TIMEOUT_MS: "500" }, upstreamBinds: 1 });
const esmes = t.esmes;

async function bind() {
  const esme = await connectEsme(t.gateway.smppPort, t.world.accountA);
  esmes.push(esme);
  return esme;
}

async function limitRate(perSecond: number) {
  await t.gateway.api.call("PATCH", `/accounts/${t.world.accountA.id}`, { maxSubmitsPerSecond: perSecond, reason: "test" });
  await waitFor(() => t.gateway.registry.snapshot.accountsById.get(t.world.accountA.id)?.maxSubmitsPerSecond === perSecond);
}

const verification = (destination: string) => ({
  source_addr: "1069000101",
  destination_addr: destination,
  service_type: "VER",
  data_coding: 8,
  short_message: Buffer.from(encodeText("【云端科技】您的验证码是 556677。", 8)),
});

async function journalRows() {
  await t.gateway.journal.flush();
  return t.gateway.testDatabase.db.select().from(rejections).orderBy(asc(rejections.id));
}

async function acceptedCount(): Promise<number> {
  await t.gateway.journal.flush();
  const rows = await t.gateway.testDatabase.db.select().from(trafficDaily);
  return rows.reduce((sum, row) => sum + Number(row.accepted), 0);
}

describe("rate limits", () => {
  it("takes one rate token per submit_multi destination: 10 destinations on a 3/s account reach the SMSC 3 times", async () => {
    await limitRate(3);
    const esme = await bind();
    const destinations = Array.from({ length: 10 }, (_, i) => `138000002${String(i).padStart(2, "0")}`);
    const result = await esme.submitMulti({
      source_addr: "1069000101",
      service_type: "VER",
      dest_address: destinations.map((destination_addr) => ({ destination_addr })),
      data_coding: 8,
      short_message: Buffer.from(encodeText("【云端科技】您的验证码是 556677。", 8)),
    });
    expect(result.status).toBe(0);
    expect(result.unsuccess.map((u) => u.destination_addr)).toEqual(destinations.slice(3));
    expect(new Set(result.unsuccess.map((u) => u.error_status_code))).toEqual(new Set([CommandStatus.ESME_RTHROTTLED]));
    await waitFor(() => t.gateway.simulator!.received.count === 3);
    // The bucket is empty now: the next submit_multi is throttled whole.
    const next = await esme.submitMulti({ source_addr: "1069000101", service_type: "VER", dest_address: [{ destination_addr: "13800000299" }], data_coding: 8, short_message: Buffer.from(encodeText("【云端科技】验证码 1。", 8)) });
    expect(next.status).toBe(CommandStatus.ESME_RTHROTTLED);
    expect(t.gateway.simulator!.received.count).toBe(3);
  });

  it("journals throttled submissions, coalesced: one row per account per minute, however many were throttled", async () => {
    await limitRate(1);
    const esme = await bind();
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => esme.submit(verification(`138000003${String(i).padStart(2, "0")}`))));
    const throttled = results.filter((r) => r.status === CommandStatus.ESME_RTHROTTLED).length;
    expect(throttled).toBeGreaterThanOrEqual(10);
    const rows = (await journalRows()).filter((r) => r.reason === "throttled");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ command: "submit_sm", accountId: t.world.accountA.id, spId: t.world.spA.id, sourceAddr: "1069000101", monitor: false });
    expect(rows[0]!.recipientMask).toMatch(/^138\*\*\*\*03\d\d$/);
  });
});

describe("expired concatenation parts", () => {
  it("refuses the held parts and journals the incomplete message once, coalesced per source and destination", async () => {
    const esme = await bind();
    const part = (ref: number) =>
      esme.submit({ ...verification("13800000401"), esm_class: 0x40, short_message: Buffer.concat([buildConcatUdh(ref, 3, 1, 8), encodeText("【云端科技】您的订单已发货，", 8)]) });
    const [first, second] = await Promise.all([part(1), part(2)]);
    expect(first.status).toBe(commandStatusFor("concatenation_incomplete"));
    expect(second.status).toBe(commandStatusFor("concatenation_incomplete"));
    const third = await part(3);
    expect(third.status).toBe(commandStatusFor("concatenation_incomplete"));
    const rows = (await journalRows()).filter((r) => r.reason === "concatenation_incomplete");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ command: "submit_sm", accountId: t.world.accountA.id, sourceAddr: "1069000101", recipientMask: "138****0401" });
    expect(rows[0]!.text).toContain("1 of 3 parts arrived");
    expect(t.gateway.simulator!.received.count).toBe(0);
  });
});

describe("traffic counts", () => {
  it("counts a message as accepted only once the SMSC accepted it: not on an SMSC refusal, not when the SMSC is down", async () => {
    const esme = await bind();
    t.gateway.simulator!.script.number("13800000501", { status: CommandStatus.ESME_RINVDSTADR });
    expect((await esme.submit(verification("13800000501"))).status).toBe(CommandStatus.ESME_RINVDSTADR);
    expect(await acceptedCount()).toBe(0);

    t.gateway.simulator!.script.stopListener();
    t.gateway.simulator!.script.dropAllLinks();
    await waitFor(() => t.gateway.upstream.state().bindsUp === 0);
    expect((await esme.submit(verification("13800000502"))).status).toBe(commandStatusFor("upstream_unavailable"));
    expect(await acceptedCount()).toBe(0);

    t.gateway.simulator!.script.startListener();
    await waitFor(() => t.gateway.upstream.state().bindsUp > 0, 10_000);
    expect((await esme.submit(verification("13800000503"))).status).toBe(0);
    expect(await acceptedCount()).toBe(1);
  });
});
