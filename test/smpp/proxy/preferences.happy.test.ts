import { afterEach, describe, expect, it } from "vitest";
import { encodeText } from "../../../src/text/index.ts";
import { commandStatusFor } from "../../../src/policy/reasons.ts";
import { connectEsme, type Esme } from "../../helpers/esme.ts";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.ts";
import { seedAndSync, waitFor } from "../../helpers/world.ts";

/**
 * Subscriber preferences over real SMPP: an MO keyword to any port takes effect for the very next
 * submission on this proxy (and reaches the others through the change feed), a preference never
 * blocks a verification code, and 恢复接收 clears it.
 */
let gateway: TestGateway | undefined;
let esme: Esme | undefined;

afterEach(async () => {
  await esme?.close().catch(() => {});
  await gateway?.close();
  gateway = esme = undefined;
});

const BLOCKED = commandStatusFor("recipient_preference_blocked");
const message = (to: string, serviceType: string, text: string) => ({
  source_addr: "10690001",
  destination_addr: to,
  service_type: serviceType,
  data_coding: 8,
  short_message: Buffer.from(encodeText(text, 8)),
});
const marketing = (to: string) => message(to, "MKT", "【云端优选】新品上市，限时特价，回T退订");
const notification = (to: string) => message(to, "NTF", "【云端科技】您的订单已发货，请注意查收。");
const verification = (to: string) => message(to, "VER", "【云端科技】您的验证码是 161803。");

describe("subscriber preferences over SMPP", () => {
  it("TDYX blocks marketing only, 退订通知 adds notifications, codes always pass, 恢复接收 clears; all effective for the next submission", { timeout: 120_000 }, async () => {
    gateway = await startTestGateway();
    const world = await seedAndSync(gateway);
    const current = await gateway.api.get("/settings/policy");
    await gateway.api.put("/settings/policy", { ...current, ruleModes: { ...current.ruleModes, preferences: "enforce" }, reason: "test: enforce preferences" });
    await waitFor(() => gateway!.registry.snapshot.settings.ruleModes.preferences === "enforce");
    esme = await connectEsme(gateway.smppPort, world.accountA);
    const number = "13800131010";
    const mo = async (text: string) => expect(await gateway!.simulator!.injectMo({ from: number, to: "10690001", text })).toBe(0);

    await mo("ｔｄｙｘ。"); // full-width and punctuated: still the keyword
    expect((await esme.submit(marketing(number))).status).toBe(BLOCKED);
    expect((await esme.submit(notification(number))).status).toBe(0);
    expect((await esme.submit(verification(number))).status).toBe(0);
    expect((await esme.submit(marketing("13800131011"))).status).toBe(0); // only this subscriber

    await mo("退订通知");
    expect((await esme.submit(notification(number))).status).toBe(BLOCKED);
    expect((await esme.submit(verification(number))).status).toBe(0);

    // Stored hashed and masked, recorded by the system actor from the MO, visible to the operator.
    const listed = await gateway.api.get<{ items: { recipientMask: string; categories: string[]; source: string }[] }>(`/preferences?msisdn=${number}`);
    expect(listed.items).toEqual([expect.objectContaining({ recipientMask: "138****1010", categories: ["marketing", "notification"], source: "mo" })]);
    expect(JSON.stringify(listed)).not.toContain(number);

    await mo("恢复接收");
    expect((await esme.submit(marketing(number))).status).toBe(0);
    expect((await gateway.api.get<{ items: unknown[] }>(`/preferences?msisdn=${number}`)).items).toEqual([]);
  });

  it("a preference set through the API (operator, on the subscriber's request) reaches the proxy within a second, with its time band", { timeout: 120_000 }, async () => {
    gateway = await startTestGateway();
    const world = await seedAndSync(gateway);
    const current = await gateway.api.get("/settings/policy");
    await gateway.api.put("/settings/policy", { ...current, ruleModes: { ...current.ruleModes, preferences: "enforce" }, reason: "test: enforce preferences" });
    await waitFor(() => gateway!.registry.snapshot.settings.ruleModes.preferences === "enforce");
    esme = await connectEsme(gateway.smppPort, world.accountA);
    const number = "13800131012";
    // A band covering the whole day but one minute, so the test does not depend on the hour.
    const now = new Date(Date.now() + 8 * 3600_000);
    const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60) % 24).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
    const minute = now.getUTCHours() * 60 + now.getUTCMinutes();
    await gateway.api.put("/preferences", { msisdn: number, categories: ["marketing"], band: { start: hhmm(minute + 1440 - 5), end: hhmm(minute + 5) }, reason: "subscriber called 10086" });
    const took = await waitFor(() => gateway!.registry.snapshot.preferenceBlock(gateway!.deps.pii.hash(number), "marketing") !== undefined, 1000, "the preference in the snapshot");
    expect(took).toBeLessThan(1000);
    expect((await esme.submit(marketing(number))).status).toBe(BLOCKED);
    expect((await esme.submit(verification(number))).status).toBe(0);
  });
});
