/**
 * `npm run demo`: seeds a small registry in a running gatekeeper (`npm start`) and sends traffic
 * through its SMPP proxy, printing four stories: an accepted message and its receipt, a sublet
 * refusal, an out-of-scope refusal, an MO "T" opt-out followed by a refused marketing message
 * under another signature of the same enterprise, and what a message may say (a foreign short link
 * refused, the enterprise's own domain accepted, a template-only bank signature refused for free
 * text). Then consent before marketing: refused without
 * consent once the consent rule is enforced, accepted once consent is recorded, refused after "T". With CMPP_PORT set (the gateway started with its CMPP listener), a further story does the
 * same over CMPP 2.0 (demo/cmpp-story.ts).
 *
 * Token: ADMIN_TOKEN, or the bootstrap token `npm start` saved in DATA_DIR/bootstrap-token.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { connectSmpp } from "../smpp/session/client.ts";
import { encodeText } from "../src/text/index.ts";
import { statusName } from "../smpp/wire/commands.ts";
import { receiptedMessageId } from "../smpp/wire/tlv.ts";
import { reasons } from "../src/policy/reasons.ts";
import { ApiClient } from "./api-client.ts";
import { seedDemoWorld } from "./seed.ts";
import { cmppStory, ensureCmppAccount } from "./cmpp-story.ts";
import { seedContentStory } from "./content-story.ts";
import {
  acceptedVerification,
  bankFreeText,
  bankTemplate,
  foreignShortLink,
  marketingAfterOptOut,
  marketingAfterWithdrawal,
  marketingTo,
  marketingWithConsent,
  marketingWithoutConsent,
  outOfScopeAttempt,
  ownDomainLink,
  subletAttempt,
  type DemoMessage,
} from "./stories.ts";

const env = process.env;
const httpUrl = env.DEMO_HTTP_URL ?? `http://127.0.0.1:${env.HTTP_PORT ?? 8080}`;
const smppPort = Number(env.SMPP_PORT ?? 2775);
const cmppPort = env.CMPP_PORT ? Number(env.CMPP_PORT) : undefined;
const dataDir = env.DATA_DIR ?? "./data";

function token(): string {
  if (env.ADMIN_TOKEN) return env.ADMIN_TOKEN;
  try {
    return readFileSync(join(dataDir, "bootstrap-token"), "utf8").trim();
  } catch {
    console.error(`No token: set ADMIN_TOKEN, or run \`npm start\` first (it saves its bootstrap token in ${dataDir}/bootstrap-token).`);
    process.exit(2);
  }
}

const line = (s = "") => console.log(s);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const api = new ApiClient(httpUrl, token());
  line(`Seeding the demo registry through ${httpUrl}/api/v1 …`);
  const world = await seedDemoWorld(api);
  line(`  SP ${world.spA.name} owns port ${world.portA.number} (extension 01 = 云端科技有限公司); SP ${world.spB.name} owns ${world.portB.number} and carries 星河银行.`);
  await sleep(1200); // the proxy picks registry changes up from the change feed within a second

  const delivered: { mo: boolean; text: string; receiptId?: string }[] = [];
  await seedContentStory(api, world);
  const client = await connectSmpp({
    host: "127.0.0.1",
    port: smppPort,
    systemId: world.accountA.systemId,
    password: world.accountA.password,
    mode: "transceiver",
    onDeliverSm: (pdu) => {
      const body = pdu.body;
      const receiptId = receiptedMessageId(body.tlvs);
      const text = body.dataCoding === 8 ? Buffer.from(body.shortMessage).swap16().toString("utf16le") : Buffer.from(body.shortMessage).toString("latin1");
      delivered.push({ mo: (body.esmClass & 0x3c) === 0, text, receiptId });
      return { status: 0 };
    },
  });
  const bankClient = await connectSmpp({ host: "127.0.0.1", port: smppPort, systemId: world.accountB.systemId, password: world.accountB.password, mode: "transceiver" });
  const send = async ({ from, to, serviceType, text, expected }: DemoMessage, via = client) => {
    const result = await via.submitSm({ sourceAddr: from, destinationAddr: to, serviceType, dataCoding: 8, registeredDelivery: 1, shortMessage: encodeText(text, 8) });
    const reason = Object.entries(reasons).find(([, r]) => r.commandStatus === result.status);
    const why = reason ? `${reason[0]}: ${reason[1].sentence}` : statusName(result.status);
    const verdict = result.status === 0 ? `accepted, SMSC message_id ${result.messageId}` : `refused with 0x${result.status.toString(16).padStart(8, "0")} (${why})`;
    line(`  ${from} → ${to} [${serviceType}] ${text}\n    ⇒ ${verdict}`);
    const outcome = result.status === 0 ? "accepted" : reason?.[0];
    if (outcome !== expected) line(`    (the story expected ${expected}: has the registry been changed since it was seeded?)`);
    return result;
  };

  line("\n1. An accepted verification message, and its delivery receipt relayed back");
  const ok = await send(acceptedVerification);
  for (let i = 0; i < 50 && !delivered.some((d) => d.receiptId); i++) await sleep(100);
  const receipt = delivered.find((d) => d.receiptId);
  line(receipt ? `    ⇐ receipt for ${receipt.receiptId}: ${receipt.text}` : `    (no receipt yet for ${ok.messageId})`);

  line("\n2. Sublet (违规转租): 华信通信 sends 星河银行's signature, which it has no contract to carry");
  await send(subletAttempt);

  line("\n3. Out of scope (扩大签名使用范围): marketing under 【云端科技】, approved for verification and notification only");
  await send(outOfScopeAttempt);

  line("\n4. Opt-out by MO, across every signature of the enterprise");
  // A fresh made-up number each run, so the story holds when the demo is run again.
  const fan = `1390000${String(Math.floor(Math.random() * 10_000)).padStart(4, "0")}`;
  await send(marketingTo(fan));
  line(`  ${fan} replies "T" to 1069000101 (injected into the built-in SMSC simulator: POST /api/v1/simulator/mo)`);
  await api.post("/simulator/mo", { from: fan, to: "1069000101", text: "T" }).catch((error) => line(`    (could not inject the MO: ${error.message})`));
  for (let i = 0; i < 30 && !delivered.some((d) => d.mo); i++) await sleep(100);
  const mo = delivered.find((d) => d.mo);
  if (mo) line(`    ⇐ the MO "${mo.text.replace(/\0/g, "")}" was relayed to 华信通信, and recorded as an opt-out from 云端科技有限公司`);
  await sleep(300);
  await send(marketingAfterOptOut(fan));

  line("\n5. What a message may say (links and templates enforced through PUT /api/v1/settings/policy)");
  await send(foreignShortLink);
  await send(ownDomainLink);
  await send(bankFreeText, bankClient);
  await send(bankTemplate, bankClient);

  await bankClient.unbind().catch(() => {});
  await bankClient.close();

  line("\n6. Consent before marketing (《通信短信息服务管理规定》第十八条), with the consent rule enforced");
  await consentStory(api, world.cloud.id, send, delivered);

  await client.unbind().catch(() => {});
  await client.close();

  await cmppAndJournal(api, world);
}

/** Story 7 (over CMPP, when the gateway runs its listener) and the journal's newest refusals. */
async function cmppAndJournal(api: ApiClient, world: Awaited<ReturnType<typeof seedDemoWorld>>) {
  line("\n7. The same SP over CMPP 2.0: an accepted message with its status report, and a sublet refusal with its Result");
  if (cmppPort === undefined) {
    line("  (skipped: start the gateway with CMPP_PORT=7890 CMPP_GATEWAY_CODE=1 SECRETS_KEY=<64 hex digits>, and run the demo with CMPP_PORT=7890)");
  } else {
    await ensureCmppAccount(api, world).catch((error) => line(`  (could not open the CMPP account: ${error.message})`));
    await sleep(1200);
    await cmppStory(cmppPort, line).catch((error) => line(`  (CMPP story failed: ${error.message})`));
  }
  await sleep(500);
  const refusals = await api.get<{ items: { reason: string; signatureText: string | null; recipientMask: string | null }[] }>("/rejections?limit=5");
  line("\nThe journal (GET /api/v1/rejections) now shows:");
  for (const r of refusals.items) line(`  ${r.reason.padEnd(26)} 【${r.signatureText ?? "?"}】 → ${r.recipientMask ?? ""}`);
}

/** Story 6: enforce `consent`, refuse, record consent, accept, "T" withdraws it, refuse; the rule's mode is put back after. */
async function consentStory(api: ApiClient, enterpriseId: string, send: (m: DemoMessage) => Promise<unknown>, delivered: { mo: boolean; text: string }[]) {
  const settings = await api.get<{ ruleModes: Record<string, string> }>("/settings/policy");
  await api.put("/settings/policy", { ...settings, ruleModes: { ...settings.ruleModes, consent: "enforce" }, reason: "demo: consent enforced" });
  await sleep(1200);
  const fan = `1390001${String(Math.floor(Math.random() * 10_000)).padStart(4, "0")}`;
  try {
    await send(marketingWithoutConsent(fan));
    const consent = await api.post<{ id: string; expiresAt: string }>("/consents", {
      msisdn: fan,
      enterpriseId,
      frequency: "每周不超过2条",
      periodDays: 365,
      source: "web_form",
      evidenceRef: `demo-form-${fan.slice(-4)}`,
    });
    line(`  POST /api/v1/consents: ${fan} consented on a web form to 云端科技有限公司's marketing, 每周不超过2条, until ${consent.expiresAt.slice(0, 10)}`);
    await sleep(1200);
    await send(marketingWithConsent(fan));
    const before = delivered.filter((d) => d.mo).length;
    line(`  ${fan} replies "T": the opt-out also withdraws the consent`);
    await api.post("/simulator/mo", { from: fan, to: "1069000101", text: "T" }).catch((error) => line(`    (could not inject the MO: ${error.message})`));
    for (let i = 0; i < 30 && delivered.filter((d) => d.mo).length === before; i++) await sleep(100);
    await sleep(300);
    const check = await api.get<{ consented: boolean }>(`/consents/check?msisdn=${fan}&enterpriseId=${enterpriseId}`);
    line(`    GET /api/v1/consents/check → consented: ${check.consented}`);
    await send(marketingAfterWithdrawal(fan));
  } finally {
    await api.put("/settings/policy", { ...settings, reason: "demo: consent rule back to its previous mode" });
  }
}

await main();
process.exit(0);
