/** A console test world: the API app with the console mounted, the demo registry, journal rows, a fake reviews backend. */
import { mountConsole } from "../../../src/console/console.routes.tsx";
import { ApiClient } from "../../../demo/api-client.ts";
import { seedDemoWorld, type DemoWorld } from "../../../demo/seed.ts";
import { rejections, trafficDaily } from "../../../src/db/schema/index.ts";
import { localDate } from "../../../src/lib/dates.ts";
import { startTestApi, type TestApi } from "../../helpers/api.ts";
import { FakeReviews } from "../../helpers/reviews-fake.ts";

export const SESSION_KEY = "console-test-session-key-0123456789abcdef";

export interface ConsoleWorld {
  api: TestApi;
  world: DemoWorld;
  reviews: FakeReviews;
  tokens: { operator: string; auditor: string; spA: string; spB: string };
  close(): Promise<void>;
}

/** A refusal text that is both a spreadsheet formula and markup: exports and pages must defuse both. */
export const HOSTILE_TEXT = `=HYPERLINK("http://evil.example","x")<script>alert(1)</script>`;

export async function startConsoleWorld(): Promise<ConsoleWorld> {
  const reviews = new FakeReviews();
  const api = await startTestApi({ mount: (app) => mountConsole(app, { sessionKey: SESSION_KEY, reviews }) });
  const world = await seedDemoWorld(new ApiClient(api.url, api.operatorToken));
  const tokens = {
    operator: api.operatorToken,
    auditor: await api.tokenFor("auditor"),
    spA: await api.tokenFor("sp", world.spA.id),
    spB: await api.tokenFor("sp", world.spB.id),
  };
  await seedJournal(api, world);
  seedReviews(reviews, world);
  return { api, world, reviews, tokens, close: () => api.close() };
}

async function seedJournal(api: Pick<TestApi, "database">, world: DemoWorld, now = new Date()) {
  const db = api.database.db;
  const at = (daysAgo: number, minutes = 0) => new Date(now.getTime() - daysAgo * 86_400_000 - minutes * 60_000);
  const rows: (typeof rejections.$inferInsert)[] = [];
  for (let day = 0; day < 7; day++) {
    for (let i = 0; i <= day % 3; i++) {
      rows.push({ eventId: `a-${day}-${i}`, at: at(day, i), reason: "scope_exceeded", command: "submit_sm", spId: world.spA.id, portId: world.portA.id, sourceAddr: "10690001", signatureId: world.signatures.cloudTech.id, signatureText: "云端科技", enterpriseId: world.cloud.id, category: "marketing", recipientMask: "138****0001", text: "【云端科技】双11大促 回T退订" });
    }
    rows.push({ eventId: `b-${day}`, at: at(day, 5), reason: "sublet_no_contract", command: "submit_sm", spId: world.spB.id, portId: world.portB.id, sourceAddr: "10690002", signatureId: world.signatures.bank.id, signatureText: "星河银行", enterpriseId: world.bank.id, category: "notification", recipientMask: "139****0002", text: "【星河银行】您的账户入账***元" });
  }
  rows.push({ eventId: "hostile", at: at(0, 30), reason: "signature_missing", command: "submit_sm", spId: world.spA.id, portId: world.portA.id, sourceAddr: "10690001", category: "notification", recipientMask: "138****0009", text: HOSTILE_TEXT });
  await db.insert(rejections).values(rows);
  const traffic: (typeof trafficDaily.$inferInsert)[] = [];
  for (let day = 0; day < 7; day++) {
    const date = localDate(at(day));
    traffic.push({ day: date, spId: world.spA.id, portId: world.portA.id, signatureId: world.signatures.cloudTech.id, enterpriseId: world.cloud.id, category: "verification", accepted: 900 + day * 40, refused: 1 + (day % 3) });
    traffic.push({ day: date, spId: world.spB.id, portId: world.portB.id, signatureId: world.signatures.bank.id, enterpriseId: world.bank.id, category: "notification", accepted: 400 + day * 10, refused: 1 });
  }
  await db.insert(trafficDaily).values(traffic);
}

export function seedReviews(reviews: FakeReviews, world: DemoWorld) {
  reviews.seed({
    subject: { kind: "port", id: world.portA.id, label: world.portA.number },
    spId: world.spA.id,
    title: "端口 10690001 季度回头看",
    periodFrom: "2026-01-01",
    periodTo: "2026-03-31",
    findings: [
      { kind: "scope_exceeded", severity: "high", summary: "营销内容使用仅限验证码/通知的签名【云端科技】", evidence: [{ label: "拦截记录", href: `/console/refusals?portId=${world.portA.id}&reason=scope_exceeded` }] },
      { kind: "complaints", severity: "low", summary: "12321 投诉 1 件", evidence: [{ label: "javascript:alert(1)", href: "javascript:alert(1)" }] },
    ],
  });
  reviews.seed({
    subject: { kind: "sp", id: world.spB.id, label: world.spB.name },
    spId: world.spB.id,
    title: "远景短信 转租排查",
    periodFrom: "2026-01-01",
    periodTo: "2026-03-31",
    findings: [{ kind: "sublet_refusals", severity: "high", summary: "【星河银行】经他人端口发送", evidence: [] }],
  });
  reviews.complaints.push(
    { id: "c1", receivedAt: new Date(), source: "12321", reference: "12321-2026-0001", status: "attributed", recipientMask: "138****0001", excerpt: "【云端科技】双11大促", spId: world.spA.id, portId: world.portA.id, signatureId: world.signatures.cloudTech.id, enterpriseId: world.cloud.id },
    { id: "c2", receivedAt: new Date(), source: "12321", reference: "12321-2026-0002", status: "attributed", recipientMask: "139****0002", excerpt: "+SUM(A1:A9)", spId: world.spB.id, portId: world.portB.id, signatureId: world.signatures.bank.id, enterpriseId: world.bank.id },
  );
}

export interface ConsoleResponse {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
}

/** A browser-like client: a cookie jar, forms posted urlencoded with the page's CSRF token, redirects not followed. */
export class ConsoleClient {
  readonly cookies = new Map<string, string>();
  csrf: string | undefined;

  constructor(
    readonly baseUrl: string,
    readonly origin: string | null = baseUrl,
  ) {}

  private remember(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const [name, ...value] = pair!.split("=");
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join("="));
    }
  }

  async request(method: string, path: string, body?: Record<string, string>, headers: Record<string, string> = {}): Promise<ConsoleResponse> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      redirect: "manual",
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}),
        ...(method === "POST" && this.origin ? { origin: this.origin } : {}),
        ...headers,
      },
      body: body ? new URLSearchParams(body).toString() : undefined,
    });
    this.remember(response);
    // Keep a byte-order mark visible (the CSV export starts with one for Excel).
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await response.arrayBuffer());
    const csrf = /name="_csrf" value="([^"]+)"/.exec(text);
    if (csrf) this.csrf = csrf[1];
    return { status: response.status, headers: response.headers, text, location: response.headers.get("location") };
  }

  get(path: string) {
    return this.request("GET", path);
  }

  /** Posts a form with the CSRF token of the last page seen (override `_csrf` to test refusals). */
  post(path: string, fields: Record<string, string> = {}, headers?: Record<string, string>) {
    return this.request("POST", path, { _csrf: this.csrf ?? "", ...fields }, headers);
  }

  async signIn(token: string): Promise<ConsoleResponse> {
    const form = await this.get("/console/login");
    const nonce = /name="_login" value="([^"]+)"/.exec(form.text)?.[1] ?? "";
    const response = await this.request("POST", "/console/login", { _login: nonce, token });
    if (response.status === 303) await this.get("/console/dashboard");
    return response;
  }
}

export async function signedIn(baseUrl: string, token: string): Promise<ConsoleClient> {
  const client = new ConsoleClient(baseUrl);
  const response = await client.signIn(token);
  if (response.status !== 303) throw new Error(`sign-in failed: ${response.status} ${response.text.slice(0, 200)}`);
  return client;
}
