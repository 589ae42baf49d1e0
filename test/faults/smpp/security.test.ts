/**
 * SMPP security: who may bind, from where, how passwords are kept, and the TLS listener.
 * (Password-guessing lockout timing is in abuse.test.ts; here its refusal codes are checked too.)
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectSmpp } from "../../../smpp/session/client.ts";
import { CommandStatus } from "../../../smpp/wire/commands.ts";
import { resultRows } from "../../../src/db/rows.ts";
import { connectEsme } from "../../helpers/esme.ts";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.ts";
import { cloudMessage, createAccount, markerOf, rawBind, rawSmpp, report, startFaultGateway, waitFor, type FaultWorld } from "./helpers.ts";
import { ucs2 } from "./fuzz-generator.ts";
import { seedDemoWorld } from "../../../demo/seed.ts";

let f: FaultWorld;

beforeAll(async () => {
  f = await startFaultGateway();
}, 60_000);
afterAll(async () => {
  await f?.gateway.close();
});

/** Binds with node-smpp and returns the bind_resp status (0 = bound). */
async function bindStatus(systemId: string, password: string): Promise<number> {
  try {
    const esme = await connectEsme(f.gateway.smppPort, { systemId, password });
    await esme.close();
    return 0;
  } catch (error) {
    return (error as { status?: number }).status ?? -1;
  }
}

describe("SMPP security", () => {
  it("refuses an unknown system_id with ESME_RINVSYSID and a wrong password with ESME_RINVPASWD", async () => {
    const unknown = await bindStatus("nobody_sp", "whatever");
    const wrongPassword = await bindStatus(f.world.accountA.systemId, "wrong123");
    const right = await bindStatus(f.world.accountA.systemId, f.world.accountA.password);
    report("security: bind refusals", { unknownSystemId: unknown, wrongPassword, rightPassword: right });
    expect(unknown).toBe(CommandStatus.ESME_RINVSYSID);
    expect(wrongPassword).toBe(CommandStatus.ESME_RINVPASWD);
    expect(right).toBe(0);
  });

  it("locks an address out after 5 wrong passwords: ESME_RBINDFAIL even with the right password", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const peer = await rawSmpp(f.gateway.smppPort, "127.0.0.9");
      statuses.push(await rawBind(peer, f.world.accountA.systemId, i < 5 ? `nope${i}xx` : f.world.accountA.password));
      peer.destroy();
    }
    const elsewhere = await bindStatus(f.world.accountA.systemId, f.world.accountA.password);
    report("security: lockout", { statuses, otherAddressBinds: elsewhere === 0 });
    expect(statuses).toEqual([...Array(5).fill(CommandStatus.ESME_RINVPASWD), CommandStatus.ESME_RBINDFAIL]);
    expect(elsewhere).toBe(0);
  });

  it("enforces the account's IP allowlist, changed through the accounts API", async () => {
    const account = await createAccount(f.gateway, { spId: f.world.spA.id, systemId: "ip_sp", password: "ip123456", allowedIps: ["10.9.9.0/24"] });
    const outside = await bindStatus(account.systemId, account.password);
    await f.gateway.api.call("PATCH", `/accounts/${account.id}`, { allowedIps: ["127.0.0.1/32"] });
    await waitFor(() => f.gateway.registry.snapshot.accountsBySystemId.get("ip_sp")?.allowedIps.includes("127.0.0.1/32") === true, 3000, "allowlist in the snapshot");
    const inside = await bindStatus(account.systemId, account.password);
    // 127.0.0.2 is outside 127.0.0.1/32.
    const peer = await rawSmpp(f.gateway.smppPort, "127.0.0.2");
    const neighbour = await rawBind(peer, account.systemId, account.password);
    peer.destroy();
    report("security: IP allowlist", { from127_0_0_1_with_10_9_9_0_24: outside, from127_0_0_1_with_127_0_0_1_32: inside, from127_0_0_2_with_127_0_0_1_32: neighbour });
    expect(outside).toBe(CommandStatus.ESME_RBINDFAIL);
    expect(inside).toBe(0);
    expect(neighbour).toBe(CommandStatus.ESME_RBINDFAIL);
  });

  it("stores bind passwords only as argon2id hashes, and the API never returns them", async () => {
    const rows = resultRows<Record<string, unknown>>(await f.gateway.database.db.execute(sql`select * from bind_accounts`));
    const plaintexts = [f.world.accountA.password, f.world.accountB.password, "ip123456"];
    const leaks = rows.filter((row) => Object.values(row).some((value) => plaintexts.some((p) => JSON.stringify(value ?? "").includes(p))));
    const hashes = rows.map((row) => String(row.password_hash));
    const listed = await f.gateway.api.get<{ items: Record<string, unknown>[] }>("/accounts");
    const apiLeaks = listed.items.filter((item) => "password" in item || "passwordHash" in item || plaintexts.some((p) => JSON.stringify(item).includes(p)));
    report("security: password storage", { accounts: rows.length, argon2idHashes: hashes.filter((h) => h.startsWith("$argon2id$")).length, rowsContainingAPlaintext: leaks.length, apiItemsWithPasswordFields: apiLeaks.length });
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(hashes.every((h) => /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/.test(h))).toBe(true);
    expect(leaks).toHaveLength(0);
    expect(apiLeaks).toHaveLength(0);
  });
});

describe("SMPP over TLS", () => {
  let openssl = true;
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
  } catch {
    openssl = false;
    console.warn("security.test.ts: openssl is not installed, so the TLS listener test is skipped (it needs a throwaway certificate)");
  }

  it.skipIf(!openssl)("binds and submits end to end over the TLS listener (SMPP_TLS_PORT with a self-signed certificate)", { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "smpp-tls-"));
    const certPath = join(dir, "cert.pem");
    const keyPath = join(dir, "key.pem");
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
      "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", keyPath, "-out", certPath,
    ], { stdio: "ignore" });
    writeFileSync(join(dir, "README"), "throwaway certificate for security.test.ts\n");
    const gateway: TestGateway = await startTestGateway({ env: { SMPP_TLS_PORT: "0", SMPP_TLS_CERT: certPath, SMPP_TLS_KEY: keyPath } });
    try {
      const world = await seedDemoWorld(gateway.api);
      await waitFor(() => gateway.registry.snapshot.accountsBySystemId.has(world.accountA.systemId), 5000, "accounts in the snapshot");
      await gateway.upstream.waitForBinds(1);
      expect(gateway.smppTlsPort).toBeGreaterThan(0);
      const { readFileSync } = await import("node:fs");
      // The client verifies the server against the throwaway certificate (no rejectUnauthorized: false).
      const client = await connectSmpp({
        url: `smpps://${world.accountA.systemId}:${world.accountA.password}@127.0.0.1:${gateway.smppTlsPort}`,
        tls: { ca: readFileSync(certPath), servername: "localhost" },
        enquireLinkIntervalMs: 0,
      });
      const text = cloudMessage("tls1").short_message.message;
      const result = await client.submitSm({ sourceAddr: "1069000101", sourceAddrTon: 1, sourceAddrNpi: 1, destinationAddr: "13800000007", serviceType: "VER", dataCoding: 8, shortMessage: ucs2(text) });
      await client.unbind();
      // A plain-text SMPP client on the TLS port gets nowhere.
      const plain = await rawSmpp(gateway.smppTlsPort!);
      const plainStatus = await rawBind(plain, world.accountA.systemId, world.accountA.password).catch((error: Error) => error.message);
      plain.destroy();
      const atSmsc = gateway.simulator!.received.countBy((m) => markerOf(m.text) ?? "").get("tls1") ?? 0;
      report("security: TLS listener", { tlsPort: gateway.smppTlsPort, submitStatus: result.status, messageId: result.messageId, reachedSmsc: atSmsc, plainBindOnTlsPort: plainStatus });
      expect(result.status).toBe(0);
      expect(result.messageId).toMatch(/^[0-9A-F]{8}$/);
      expect(atSmsc).toBe(1);
      expect(plainStatus).not.toBe(0);
    } finally {
      await gateway.close();
    }
  });
});
