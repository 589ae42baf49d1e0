import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seedDemoWorld, type DemoWorld } from "../../demo/seed.ts";
import { commandStatusFor } from "../../src/policy/reasons.ts";
import { connectEsme, type Esme } from "../helpers/esme.ts";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { waitFor } from "../helpers/wait.ts";

let gateway: TestGateway;
let world: DemoWorld;
let esme: Esme | undefined;

beforeEach(async () => {
  gateway = await startTestGateway();
  world = await seedDemoWorld(gateway.api);
  await waitFor(() => gateway.registry.snapshot.signatureByText("云端优选")?.status === "approved");
});
afterEach(async () => {
  await esme?.close();
  esme = undefined;
  await gateway.close();
});


describe("回头看 end to end", () => {
  it("finds out-of-scope traffic in the journal, and a suspend decision stops the signature on the running proxy within a second", async () => {
    esme = await connectEsme(gateway.smppPort, world.accountA);
    const marketing = { source_addr: "10690001", destination_addr: "13800000061", service_type: "NTF", data_coding: 8, short_message: { message: "【云端科技】双11大促，全场5折 回T退订" } };
    expect((await esme.submit(marketing)).status).toBe(commandStatusFor("scope_exceeded"));
    const verification = { source_addr: "1069000101", destination_addr: "13800000062", service_type: "VER", data_coding: 8, short_message: { message: "【云端科技】您的验证码是482913" } };
    expect((await esme.submit(verification)).status).toBe(0);
    await gateway.journal.flush();

    const now = Date.now();
    const review = await gateway.api.post<{ id: string }>("/reviews", { scope: { portPrefix: "10690001" }, from: new Date(now - 3600_000).toISOString(), to: new Date(now + 60_000).toISOString() });
    const findings = await gateway.api.get<{ items: { id: string; type: string; subjectId: string; evidence: any }[] }>(`/reviews/${review.id}/findings?type=scope_exceeded`);
    expect(findings.items).toHaveLength(1);
    const finding = findings.items[0]!;
    expect(finding.subjectId).toBe(world.signatures.cloudTech.id);
    expect(finding.evidence.samples[0]).toMatchObject({ reason: "scope_exceeded", recipientMask: "138****0061" });

    const decided = Date.now();
    await gateway.api.post(`/reviews/${review.id}/findings/${finding.id}/decision`, { decision: "suspend", reason: "超范围发送营销短信" });
    await waitFor(() => gateway.registry.snapshot.signatureByText("云端科技")?.status === "suspended", 1000);
    expect(Date.now() - decided).toBeLessThan(1500);
    expect((await esme.submit({ ...verification, destination_addr: "13800000063" })).status).toBe(commandStatusFor("signature_suspended"));
  });
});
