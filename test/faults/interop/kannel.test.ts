/**
 * Interop with a real gateway: Debian's Kannel (bearerbox + smsbox) binds to the proxy as an SP
 * would, with a generated configuration in a temporary directory, every port on 127.0.0.1 and
 * chosen free. Messages go in through smsbox's sendsms HTTP interface; Kannel calls this test's
 * own HTTP server back for delivery reports (dlr-url) and MO (get-url).
 *
 * Kannel is installed with apt-get when missing, as CI may do; the test fails (never skips) when it
 * cannot be.
 */
import { execSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pendingDeliveries } from "../../../src/db/schema/index.ts";
import { waitFor } from "../../helpers/world.ts";
import { createAccount, markerOf, report, startFaultGateway, type FaultWorld } from "../smpp/helpers.ts";

const BEARERBOX = "/usr/sbin/bearerbox";
const SMSBOX = "/usr/sbin/smsbox";
const LOAD = 3000;

function ensureKannel(): void {
  if (existsSync(BEARERBOX) && existsSync(SMSBOX)) return;
  const sudo = process.getuid?.() === 0 ? "" : "sudo -n ";
  try {
    execSync(`${sudo}apt-get install -y kannel`, { stdio: "inherit", timeout: 600_000, env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  } catch (error) {
    throw new Error(`Kannel is not installed and apt-get install -y kannel failed: ${String(error)}`);
  }
  if (!existsSync(BEARERBOX) || !existsSync(SMSBOX)) throw new Error("apt-get install -y kannel ran but bearerbox/smsbox are still missing");
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

interface Callback {
  path: string;
  query: URLSearchParams;
  at: number;
}

let f: FaultWorld;
let dir: string;
let boxes: ChildProcess[] = [];
let callbacks: Callback[] = [];
let callbackServer: http.Server;
let callbackPort: number;
let sendsmsPort: number;
let adminPort: number;
let slowAccount: { id: string; systemId: string; password: string };

const bearerboxLog = () => (existsSync(join(dir, "bearerbox.log")) ? readFileSync(join(dir, "bearerbox.log"), "latin1") : "");
const dlrsFor = (n: string) => callbacks.filter((c) => c.path === "/dlr" && c.query.get("n") === n);

/** Submits one message through smsbox's sendsms; resolves with the HTTP status and body. */
async function sendsms(fields: { n: string; text: string; to?: string; smsc?: string }): Promise<{ status: number; body: string }> {
  const dlrUrl = `http://127.0.0.1:${callbackPort}/dlr?n=${encodeURIComponent(fields.n)}&type=%d&smsc=%i&reply=%A`;
  const query = new URLSearchParams({
    username: "tester", password: "secret1", from: "1069000101", to: fields.to ?? "13800000001", text: fields.text,
    charset: "UTF-8", coding: "2", smsc: fields.smsc ?? "gk", "dlr-mask": "19", "dlr-url": dlrUrl,
  });
  const response = await fetch(`http://127.0.0.1:${sendsmsPort}/cgi-bin/sendsms?${query}`);
  return { status: response.status, body: await response.text() };
}

async function kannelStatus(): Promise<string> {
  try {
    return await (await fetch(`http://127.0.0.1:${adminPort}/status.txt?password=admin1`)).text();
  } catch {
    return "";
  }
}

beforeAll(async () => {
  ensureKannel();
  f = await startFaultGateway({ UPSTREAM_BINDS: "2" });
  await f.gateway.upstream.waitForBinds(2);
  // A second account of SP A, limited to 5 submits a second: Kannel must ride out its throttling.
  slowAccount = await createAccount(f.gateway, { spId: f.world.spA.id, systemId: "hx_slow", password: "slow1234", maxSubmitsPerSecond: 5 });

  callbackServer = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    callbacks.push({ path: url.pathname, query: url.searchParams, at: Date.now() });
    res.writeHead(200, { "content-type": "text/plain" }).end(url.pathname === "/mo" ? "" : "ok");
  });
  await new Promise<void>((resolve) => callbackServer.listen(0, "127.0.0.1", resolve));
  callbackPort = (callbackServer.address() as net.AddressInfo).port;
  [adminPort, sendsmsPort] = [await freePort(), await freePort()];
  const smsboxPort = await freePort();

  dir = mkdtempSync(join(tmpdir(), "kannel-"));
  const smsc = (id: string, account: { systemId: string; password: string }) => `
group = smsc
smsc = smpp
smsc-id = ${id}
allowed-smsc-id = ${id}
host = 127.0.0.1
port = ${f.gateway.smppPort}
transceiver-mode = true
smsc-username = ${account.systemId}
smsc-password = ${account.password}
system-type = ""
max-pending-submits = 10
# The gatekeeper passes the SMSC's message ids through unchanged; the simulator's are hex, in
# submit_sm_resp and in receipts alike: 0x03 = both hex (Kannel matches receipts on the number).
msg-id-type = 0x03
source-addr-ton = 0
source-addr-npi = 1
dest-addr-ton = 1
dest-addr-npi = 1
enquire-link-interval = 30
reconnect-delay = 1
`;
  writeFileSync(join(dir, "kannel.conf"), `
group = core
admin-port = ${adminPort}
admin-password = admin1
status-password = admin1
admin-interface = 127.0.0.1
smsbox-port = ${smsboxPort}
smsbox-interface = 127.0.0.1
box-allow-ip = 127.0.0.1
log-file = "${join(dir, "bearerbox.log")}"
log-level = 1
access-log = "${join(dir, "access.log")}"
dlr-storage = internal
sms-resend-freq = 1
sms-resend-retry = -1
${smsc("gk", f.world.accountA)}
${smsc("slow", slowAccount)}
group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = ${smsboxPort}
sendsms-port = ${sendsmsPort}
sendsms-interface = 127.0.0.1
log-file = "${join(dir, "smsbox.log")}"
log-level = 1
mo-recode = true
http-request-retry = 3

group = sendsms-user
username = tester
password = secret1
max-messages = 1
concatenation = false

group = sms-service
keyword = default
catch-all = true
max-messages = 0
get-url = "http://127.0.0.1:${callbackPort}/mo?from=%p&to=%P&text=%a&coding=%c&smsc=%i"
`);
  const start = (binary: string) => {
    const child = spawn(binary, [join(dir, "kannel.conf")], { stdio: ["ignore", "ignore", "ignore"] });
    boxes.push(child);
    return child;
  };
  start(BEARERBOX);
  await waitFor(async () => (await kannelStatus()).includes("Status: running"), 15_000, "bearerbox running");
  start(SMSBOX);
  await waitFor(async () => {
    const status = await kannelStatus();
    return (status.match(/online/g) ?? []).length >= 2 && status.includes("smsbox:");
  }, 20_000, "both Kannel SMPP connections online and smsbox connected").catch(async (error) => {
    throw new Error(`${String(error)}\n${await kannelStatus()}\n${bearerboxLog().slice(-3000)}`);
  });
}, 180_000);

afterAll(async () => {
  for (const child of boxes) child.kill("SIGTERM");
  await Promise.all(boxes.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once("exit", resolve)))));
  boxes = [];
  callbackServer?.close();
  await f?.gateway.close();
}, 30_000);

async function heldRows(): Promise<number> {
  const [row] = await f.gateway.database.db.select({ n: sql<number>`count(*)::int` }).from(pendingDeliveries);
  return Number(row?.n ?? 0);
}

const atSmsc = (marker: string) => f.gateway.simulator!.received.countBy((m) => markerOf(m.text) ?? "").get(marker) ?? 0;
const text = (marker: string) => `【云端科技】您的验证码是482913，5分钟内有效。#${marker}`;

describe("Kannel bound to the proxy as an SP", () => {
  it("gets an accepted message's receipt matched to its message (delivery report 1, no 'could not find message')", async () => {
    const sent = await sendsms({ n: "ok1", text: text("kok1") });
    expect(sent.status).toBe(202);
    await waitFor(() => dlrsFor("ok1").some((c) => c.query.get("type") === "1"), 15_000, "Kannel's delivery report for ok1");
    const types = dlrsFor("ok1").map((c) => c.query.get("type"));
    expect(types).toEqual(["1"]);
    expect(dlrsFor("ok1")[0]!.query.get("smsc")).toBe("gk");
    expect(atSmsc("kok1")).toBe(1);
    expect(bearerboxLog()).not.toMatch(/could not find message/i);
  }, 30_000);

  it("treats a registry refusal as permanent: delivery report 16 (SMSC reject), never sent again", async () => {
    const sent = await sendsms({ n: "refused1", text: "【不存在的签名】您的验证码是482913。#kref1" });
    expect(sent.status).toBe(202);
    await waitFor(() => dlrsFor("refused1").length > 0, 15_000, "Kannel's report for the refused message");
    await new Promise((resolve) => setTimeout(resolve, 3000)); // sms-resend-freq is 1 s: a resend would show by now
    await f.gateway.journal.flush();
    const rows = (await f.gateway.api.get<{ items: { reason: string; text: string }[] }>("/rejections?reason=signature_unregistered")).items;
    const refusals = rows.filter((r) => r.text.includes("kref1"));
    report("kannel refusal", { dlrTypes: dlrsFor("refused1").map((c) => c.query.get("type")), journaled: refusals.length });
    expect(dlrsFor("refused1").map((c) => c.query.get("type"))).toEqual(["16"]);
    expect(refusals).toHaveLength(1); // judged once: Kannel did not resend
    expect(atSmsc("kref1")).toBe(0);
  }, 30_000);

  it("retries throttled submissions (ESME_RTHROTTLED) until all are delivered, nothing lost", async () => {
    const n = 30;
    for (let i = 0; i < n; i++) expect((await sendsms({ n: `thr${i}`, text: text(`kthr${i}`), smsc: "slow" })).status).toBe(202);
    await waitFor(() => Array.from({ length: n }, (_, i) => dlrsFor(`thr${i}`).some((c) => c.query.get("type") === "1")).every(Boolean), 60_000, "30 delivery reports through the throttled account").catch(() => {});
    const delivered = Array.from({ length: n }, (_, i) => dlrsFor(`thr${i}`).some((c) => c.query.get("type") === "1")).filter(Boolean).length;
    const reachedSmsc = Array.from({ length: n }, (_, i) => atSmsc(`kthr${i}`));
    const throttled = (await f.gateway.metrics.submissions.get()).values.filter((v) => v.labels.reason === "throttled").reduce((s, v) => s + v.value, 0);
    report("kannel throttling", { sent: n, delivered, reachedSmscOnce: reachedSmsc.filter((c) => c === 1).length, reachedSmscTwice: reachedSmsc.filter((c) => c > 1).length, throttledAnswers: throttled });
    expect(throttled).toBeGreaterThan(0); // the limit did bite
    expect(delivered).toBe(n);
    expect(reachedSmsc.every((c) => c === 1)).toBe(true);
  }, 90_000);

  it("receives an MO with the right text and sender", async () => {
    expect(await f.gateway.simulator!.injectMo({ from: "13800000031", to: "1069000101", text: "你好，收到了", systemId: "gatekeeper" })).toBe(0);
    await waitFor(() => callbacks.some((c) => c.path === "/mo"), 15_000, "Kannel's MO callback").catch(async (error) => {
      const metrics = (await (await fetch(`${f.gateway.httpUrl}/metrics`)).text()).split("\n").filter((l) => l.startsWith("gatekeeper_deliver"));
      throw new Error(`${String(error)}\n${metrics.join("\n")}\n${bearerboxLog().slice(-2000)}`);
    });
    const mo = callbacks.find((c) => c.path === "/mo")!;
    expect({ from: mo.query.get("from"), to: mo.query.get("to"), text: mo.query.get("text") }).toEqual({ from: "13800000031", to: "1069000101", text: "你好，收到了" });
  }, 30_000);

  it("delivers 3,000 receipts live while bound: 3,000 delivery reports, 0 held, 0 lost", async () => {
    const before = callbacks.length;
    const started = Date.now();
    let next = 0;
    let failedHttp = 0;
    let maxHeld = 0;
    const watch = setInterval(() => void heldRows().then((n) => (maxHeld = Math.max(maxHeld, n)), () => {}), 250);
    const worker = async () => {
      while (next < LOAD) {
        const i = next++;
        const result = await sendsms({ n: `load${i}`, text: text(`kload${i}`), to: `138000${String(i % 100).padStart(5, "0")}` });
        if (result.status !== 202) failedHttp++;
      }
    };
    await Promise.all(Array.from({ length: 20 }, worker));
    const sentMs = Date.now() - started;
    const reportsFor = () => new Set(callbacks.slice(before).filter((c) => c.path === "/dlr" && c.query.get("type") === "1" && c.query.get("n")?.startsWith("load")).map((c) => c.query.get("n")));
    await waitFor(() => reportsFor().size >= LOAD, 120_000, "3,000 delivery reports").catch(() => {});
    clearInterval(watch);
    const reports = reportsFor();
    const held = await heldRows();
    const metrics = await (await fetch(`${f.gateway.httpUrl}/metrics`)).text();
    const metricHeld = Number(/^gatekeeper_deliveries_total\{kind="receipt",outcome="held"\} (\d+)/m.exec(metrics)?.[1] ?? 0);
    const stats = f.gateway.simulator!.stats();
    const notFound = (bearerboxLog().match(/could not find message/gi) ?? []).length;
    report("kannel load", {
      sent: LOAD, httpRefused: failedHttp, receiptsLive: reports.size, held, maxHeldWhileBound: maxHeld, metricHeld, lost: LOAD - reports.size,
      couldNotFind: notFound, smscAcked: stats.receiptsAcked, smscRetried: stats.receiptsRetried, sentMs, totalMs: Date.now() - started,
    });
    expect(failedHttp).toBe(0);
    expect(reports.size).toBe(LOAD);
    expect(held).toBe(0);
    expect(maxHeld).toBe(0);
    expect(metricHeld).toBe(0);
    expect(notFound).toBe(0);
  }, 300_000);
});
