import { afterEach, describe, expect, it } from "vitest";
import { startSimulator, type RunningSimulator } from "../../../smpp/simulator/index.ts";
import { encodeText } from "../../../src/text/index.ts";
import { commandStatusFor } from "../../../src/policy/reasons.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.ts";
import { connectEsme, type Esme } from "../../helpers/esme.ts";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.ts";
import { seedAndSync, waitFor } from "../../helpers/world.ts";

/**
 * The consent rule over real SMPP (node-smpp ESME → proxy → SMSC simulator): monitor by default,
 * refusing once enforced, lifted by a consent recorded through the API, ended by an MO "T"; and
 * the consent request (service_type CRQ) once per period, a "Y" reply recording consent.
 */
let simulator: RunningSimulator | undefined;
let database: TestDatabase | undefined;
let gateway: TestGateway | undefined;
const esmes: Esme[] = [];

afterEach(async () => {
  for (const esme of esmes.splice(0)) await esme.close().catch(() => {});
  await gateway?.close().catch(() => {});
  gateway = undefined;
  await simulator?.stop();
  simulator = undefined;
  await database?.destroy();
  database = undefined;
});

async function start() {
  simulator = await startSimulator({ host: "127.0.0.1", port: 0 });
  database = await createTestDatabase();
  gateway = await startTestGateway({ env: { UPSTREAM_SMSC_URL: `smpp://gatekeeper:secret@127.0.0.1:${simulator.port}`, UPSTREAM_BINDS: "1" }, database });
  const world = await seedAndSync(gateway);
  const esme = await connectEsme(gateway.smppPort, world.accountA);
  esmes.push(esme);
  return { gateway, world, esme };
}

const message = (to: string, text: string, serviceType = "MKT") => ({
  source_addr: "1069000101",
  destination_addr: to,
  service_type: serviceType,
  data_coding: 8,
  short_message: Buffer.from(encodeText(text, 8)),
});
const MARKETING = "【云端商城】会员日全场8折，回T退订";
const REQUEST = "【云端商城】云端商城想每月向您发送不超过4条会员优惠，有效期12个月，同意请回复“是”，回T退订";

async function counted(g: TestGateway, verdict: string, reason: string): Promise<number> {
  const values = (await g.metrics.submissions.get()).values;
  return values.filter((v) => v.labels.verdict === verdict && v.labels.reason === reason).reduce((sum, v) => sum + v.value, 0);
}

async function enforceConsent(g: TestGateway): Promise<void> {
  const settings = await g.api.get("/settings/policy");
  await g.api.put("/settings/policy", { ...settings, ruleModes: { ...settings.ruleModes, consent: "enforce" }, reason: "consent enforced" });
  await waitFor(() => g.registry.snapshot.settings.ruleModes.consent === "enforce");
}

describe("consent over SMPP", { timeout: 60_000 }, () => {
  it("monitor by default: marketing without consent is delivered and counted as a would-be refusal", async () => {
    const { gateway: g, esme } = await start();
    expect((await esme.submit(message("13800130001", MARKETING))).status).toBe(0);
    await waitFor(async () => (await counted(g, "monitored", "consent_missing")) === 1, 3000, "monitored consent_missing");
  });

  it("enforced: refused with 0x460, accepted once consent is recorded through the API, refused again after an MO T", async () => {
    const { gateway: g, world, esme } = await start();
    await enforceConsent(g);
    const fan = "13800130002";
    expect((await esme.submit(message(fan, MARKETING))).status).toBe(commandStatusFor("consent_missing"));
    expect(commandStatusFor("consent_missing")).toBe(0x460);

    const consent = await g.api.post("/consents", { msisdn: fan, enterpriseId: world.cloud.id, frequency: "每周不超过2条", periodDays: 365, source: "web_form", evidenceRef: "form-0001" });
    await waitFor(() => g.registry.snapshot.stats().consents === 1, 1000, "consent in the snapshot within 1 s");
    expect((await esme.submit(message(fan, MARKETING))).status).toBe(0);

    expect(await simulator!.injectMo({ from: fan, to: "1069000101", text: "T" })).toBe(0);
    // Effective for the very next submission.
    expect((await esme.submit(message(fan, MARKETING))).status).not.toBe(0);
    await waitFor(async () => (await g.api.get(`/consents/check?msisdn=${fan}&enterpriseId=${world.cloud.id}`)).consented === false, 2000, "consent withdrawn");
    const listed = await g.api.get(`/consents?msisdn=${fan}`);
    expect(listed.items).toEqual([expect.objectContaining({ id: consent.id, status: "withdrawn" })]);
    await waitFor(() => g.registry.snapshot.stats().consents === 0, 1000, "consent gone from the snapshot");
  });

  it("a consent request goes once per period (0x461 the second time); the reply Y records consent and marketing then passes", async () => {
    const { gateway: g, world, esme } = await start();
    await enforceConsent(g);
    const fan = "13800130003";
    expect((await esme.submit(message(fan, REQUEST, "CRQ"))).status).toBe(0);
    expect((await esme.submit(message(fan, REQUEST, "CRQ"))).status).toBe(commandStatusFor("consent_request_repeated"));
    // Reworded and declared a notification: still a request, still refused.
    expect((await esme.submit(message(fan, "【云端商城】同意接收会员优惠请回复Y，回T退订", "NTF"))).status).toBe(0x461);

    expect(await simulator!.injectMo({ from: fan, to: "1069000101", text: "是" })).toBe(0);
    await waitFor(async () => (await g.api.get(`/consents/check?msisdn=${fan}&enterpriseId=${world.cloud.id}`)).consented === true, 3000, "consent from the reply");
    const [recorded] = (await g.api.get(`/consents?msisdn=${fan}`)).items;
    expect(recorded).toMatchObject({ source: "sms_reply", status: "current", recordedByType: "system" });
    expect(recorded.evidenceRef).toMatch(/^mo:1069000101:/);
    expect((await esme.submit(message(fan, MARKETING))).status).toBe(0);
  });

  it("a Y with no request pending records nothing", async () => {
    const { gateway: g, world, esme } = await start();
    const fan = "13800130004";
    expect((await esme.submit(message(fan, MARKETING))).status).toBe(0);
    expect(await simulator!.injectMo({ from: fan, to: "1069000101", text: "Y" })).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect((await g.api.get(`/consents/check?msisdn=${fan}&enterpriseId=${world.cloud.id}`)).consented).toBe(false);
  });
});
