import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../../src/config.ts";
import { ApiClient } from "../../../../demo/api-client.ts";
import { seedDemoWorld } from "../../../../demo/seed.ts";
import { startGateway } from "../../../../src/main.ts";
import { connectEsme } from "../../../helpers/esme.ts";
import { createTestDatabase } from "../../../helpers/database.ts";

/** Everything the gateway logs at the most verbose level, for one story: no secret and no clear number in it. */
describe("logs", () => {
  it("never contain a clear phone number, a bind password or a token secret", async () => {
    let output = "";
    const sink = new Writable({
      write(chunk, _encoding, done) {
        output += chunk.toString();
        done();
      },
    });
    const adminToken = "log-test-operator-token-SECRET-0123456789";
    const database = await createTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), "gk-logs-"));
    const config = parseConfig({ HTTP_PORT: "0", SMPP_PORT: "0", SMPP_HOST: "127.0.0.1", SIMULATOR_PORT: "0", SIMULATOR_RECEIPT_DELAY_MS: "20", DATA_DIR: dataDir, ADMIN_TOKEN: adminToken, LOG_LEVEL: "trace", PII_KEY: "test-pii-key-0123456789abcdef0123456789", INSTANCE_ID: "logs" });
    const gateway = await startGateway({ config, database, logger: pino({ level: "trace" }, sink) });
    try {
      const api = new ApiClient(gateway.httpUrl, adminToken);
      const world = await seedDemoWorld(api);
      const spToken = (await api.post<{ secret: string }>("/tokens", { name: "log sp", role: "sp", spId: world.spA.id })).secret;
      await new ApiClient(gateway.httpUrl, spToken).get("/rejections");
      await fetch(`${gateway.httpUrl}/api/v1/ports`, { headers: { authorization: "Bearer wrong-token-SECRET-987654321" } });
      const started = Date.now();
      while (gateway.registry.snapshot.signatureByText("云端科技")?.status !== "approved" && Date.now() - started < 3000) await new Promise((r) => setTimeout(r, 10));
      const esme = await connectEsme(gateway.smppPort, world.accountA);
      const accepted = await esme.submit({ source_addr: "1069000101", destination_addr: "13800000001", service_type: "VER", data_coding: 8, registered_delivery: 1, short_message: { message: "【云端科技】您的验证码是482913，5分钟内有效。" } });
      const refused = await esme.submit({ source_addr: "10690001", destination_addr: "13800000001", data_coding: 8, short_message: { message: "【星河银行】您尾号1234的账户于今日入账500元。" } });
      await esme.waitForDelivery((m) => (m.esm_class & 0x04) === 0x04).catch(() => undefined);
      await esme.close();
      const badBind = await connectEsme(gateway.smppPort, { systemId: world.accountA.systemId, password: "badpw99" }).then(() => "bound", (error) => `refused 0x${(error as { status: number }).status?.toString(16)}`);
      await gateway.journal.flush();
      await gateway.stop(2000);
      const secrets = { msisdn: "13800000001", bindPassword: world.accountA.password, wrongBindPassword: "badpw99", adminToken, spToken, wrongToken: "wrong-token-SECRET-987654321" };
      const found = Object.entries(secrets).filter(([, secret]) => output.includes(secret)).map(([name]) => name);
      const lines = output.split("\n").filter(Boolean).length;
      console.log(JSON.stringify({ test: "api/security/logs", logLines: lines, logBytes: output.length, accepted: accepted.status, refused: refused.status, badBind, secretsFound: found }));
      expect(accepted.status).toBe(0);
      expect(refused.status).not.toBe(0);
      expect(badBind).not.toBe("bound");
      expect(lines).toBeGreaterThan(0);
      expect(found).toEqual([]);
    } finally {
      await database.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
