import { afterEach, beforeEach, expect, it } from "vitest";
import type { ServiceContext } from "../../../src/context.ts";
import { createReviewsBackend } from "../../../src/console/reviews-adapter.ts";
import { commandStatusFor } from "../../../src/policy/reasons.ts";
import { encodeText } from "../../../src/text/index.ts";
import { connectEsme, type Esme } from "../../helpers/esme.ts";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.ts";
import { seedAndSync, waitFor } from "../../helpers/world.ts";

let gateway: TestGateway;
let esme: Esme;
beforeEach(async () => {
  gateway = await startTestGateway();
});
afterEach(async () => {
  await esme?.close();
  await gateway.close();
});

it("the console's reviews port runs a real review: the demo's sublet and out-of-scope attempts are found, a suspension stops the signature", async () => {
  const world = await seedAndSync(gateway);
  esme = await connectEsme(gateway.smppPort, world.accountA);
  const send = (source: string, serviceType: string, text: string) =>
    esme.submit({ source_addr: source, destination_addr: "13800000091", service_type: serviceType, data_coding: 8, short_message: Buffer.from(encodeText(text, 8)) });
  expect((await send("10690001", "NTF", "【星河银行】您的账户于今日入账500元。")).status).toBe(commandStatusFor("sublet_no_contract"));
  expect((await send("10690001", "NTF", "【云端科技】双11大促，全场5折，回T退订")).status).toBe(commandStatusFor("scope_exceeded"));
  await gateway.journal.flush();

  const port = createReviewsBackend();
  const operator: ServiceContext = { db: gateway.database.db, actor: { type: "operator", id: "test-operator" }, now: new Date(), pii: gateway.deps.pii };
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const review = await port.startReview(operator, { subject: { kind: "sp", id: world.spA.id }, periodFrom: today, periodTo: today });
  const kinds = review.findings.map((f) => f.kind);
  expect(kinds).toContain("port_sublet_refusals");
  expect(kinds).toContain("scope_exceeded");

  // The evidence the console lists starts with the journal counts.
  expect(review.findings.find((f) => f.kind === "port_sublet_refusals")!.evidence.map((e) => e.label)).toEqual(expect.arrayContaining(["total: 1", "sublet_no_contract: 1"]));
  const scope = review.findings.find((f) => f.kind === "scope_exceeded")!;
  expect(scope.evidence.map((e) => e.label)).toEqual(expect.arrayContaining(["total: 1", "scope_exceeded: 1"]));
  const decided = await port.decideFinding(operator, review.id, scope.id, { outcome: "suspend", reason: "扩大签名使用范围，暂停签名" });
  expect(decided.findings.find((f) => f.id === scope.id)?.decision?.outcome).toBe("suspend");
  await waitFor(() => gateway.registry.snapshot.signatureByText("云端科技")?.status === "suspended", 2000, "suspension on the proxy");
  expect((await send("1069000101", "VER", "【云端科技】您的验证码是 246810。")).status).toBe(commandStatusFor("signature_suspended"));
  const listed = await port.listReviews(operator, {}, { limit: 10 });
  expect(listed.items.map((r) => r.id)).toContain(review.id);
});

it("the console's review list filters by SP and by kind of subject, and pages without gaps or repeats", async () => {
  const world = await seedAndSync(gateway);
  const port = createReviewsBackend();
  const operator: ServiceContext = { db: gateway.database.db, actor: { type: "operator", id: "test-operator" }, now: new Date(), pii: gateway.deps.pii };
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const opened: Record<string, string[]> = { spA: [], spB: [], port: [], everything: [] };
  for (let i = 0; i < 3; i++) {
    opened.spA!.push((await port.startReview(operator, { subject: { kind: "sp", id: world.spA.id }, periodFrom: today, periodTo: today })).id);
    opened.spB!.push((await port.startReview(operator, { subject: { kind: "sp", id: world.spB.id }, periodFrom: today, periodTo: today })).id);
  }
  opened.port!.push((await port.startReview(operator, { subject: { kind: "port", id: world.portA.id }, periodFrom: today, periodTo: today })).id);
  opened.everything!.push((await port.startReview(operator, { subject: { kind: "signature", id: world.signatures.cloudTech.id }, periodFrom: today, periodTo: today })).id);

  const all = async (filter: Parameters<typeof port.listReviews>[1]) => {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const page = await port.listReviews(operator, filter, { limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      ids.push(...page.items.map((r) => r.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    return ids.sort();
  };
  expect(await all({})).toEqual(Object.values(opened).flat().sort());
  expect(await all({ spId: world.spA.id })).toEqual([...opened.spA!].sort());
  expect(await all({ subjectKind: "sp" })).toEqual([...opened.spA!, ...opened.spB!].sort());
  expect(await all({ subjectKind: "port" })).toEqual(opened.port);
  expect(await all({ subjectKind: "signature" })).toEqual(opened.everything);
});
