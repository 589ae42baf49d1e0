import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bindAccounts } from "../../../../src/db/schema/index.ts";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { auditRows, createSp } from "../../../helpers/registry.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

async function storedHash(id: string) {
  const [row] = await api.database.db.select({ passwordHash: bindAccounts.passwordHash }).from(bindAccounts).where(eq(bindAccounts.id, id));
  return row!.passwordHash;
}

describe("bind accounts (happy)", () => {
  it("creates, reads, lists with filters and a cursor, and updates an account; the password is never returned", async () => {
    const a = await createSp(api, "A");
    const b = await createSp(api, "B");
    const op = api.as(api.operatorToken);
    const created = await api.request("POST", "/api/v1/accounts", {
      body: { spId: a.sp.id, systemId: "spa_01", password: "Pw#12345", allowedIps: ["203.0.113.0/24", "2001:DB8::/32", " 198.51.100.7 "], maxBinds: 2, maxSubmitsPerSecond: 50, defaultCategory: "verification" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ spId: a.sp.id, systemId: "spa_01", allowedIps: ["203.0.113.0/24", "2001:db8::/32", "198.51.100.7"], maxBinds: 2, maxSubmitsPerSecond: 50, defaultCategory: "verification", status: "active" });
    expect(created.text).not.toMatch(/password|Pw#12345|argon/i);
    const a2 = await op.post("/api/v1/accounts", { spId: a.sp.id, systemId: "spa_02", password: "abcdef" });
    expect(a2).toMatchObject({ allowedIps: [], maxBinds: 4, maxSubmitsPerSecond: 100, defaultCategory: "notification" });
    const b1 = await op.post("/api/v1/accounts", { spId: b.sp.id, systemId: "spb_01", password: "abcdefgh" });

    const page1 = await api.request("GET", "/api/v1/accounts?limit=2");
    expect(page1.body.items.map((x: { id: string }) => x.id)).toEqual([created.body.id, a2.id]);
    expect(page1.text).not.toMatch(/password/i);
    const page2 = await op.get(`/api/v1/accounts?limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.items.map((x: { id: string }) => x.id)).toEqual([b1.id]);
    expect((await op.get(`/api/v1/accounts?spId=${a.sp.id}`)).items).toHaveLength(2);
    expect((await op.get("/api/v1/accounts?systemId=spb_01")).items.map((x: { id: string }) => x.id)).toEqual([b1.id]);

    const got = await api.request("GET", `/api/v1/accounts/${created.body.id}`);
    expect(got.text).not.toMatch(/password/i);
    const disabled = await op.patch(`/api/v1/accounts/${a2.id}`, { status: "disabled", maxBinds: 1, reason: "unused" });
    expect(disabled).toMatchObject({ status: "disabled", maxBinds: 1 });
    expect((await op.get("/api/v1/accounts?status=disabled")).items.map((x: { id: string }) => x.id)).toEqual([a2.id]);

    const audit = await auditRows(api, "bind_account");
    expect(audit.map((r) => r.action)).toEqual(["bind_account.create", "bind_account.create", "bind_account.create", "bind_account.update"]);
    expect(JSON.stringify(audit)).not.toMatch(/argon|passwordHash|Pw#12345/);
  });

  it("stores only an argon2id hash, and rotation (by the operator or the owning SP) replaces it", async () => {
    const { sp, token } = await createSp(api);
    const account = await api.as(api.operatorToken).post("/api/v1/accounts", { spId: sp.id, systemId: "sp_rot", password: "first1!" });
    const hash1 = await storedHash(account.id);
    expect(hash1).toMatch(/^\$argon2id\$/);
    expect(hash1).not.toContain("first1!");
    expect(await Bun.password.verify("first1!", hash1)).toBe(true);

    const rotated = await api.request("POST", `/api/v1/accounts/${account.id}/password`, { token, body: { password: "second2", reason: "quarterly rotation" } });
    expect(rotated.status).toBe(200);
    expect(rotated.text).not.toMatch(/password|second2/i);
    const hash2 = await storedHash(account.id);
    expect(await Bun.password.verify("second2", hash2)).toBe(true);
    expect(await Bun.password.verify("first1!", hash2)).toBe(false);
    await api.as(api.operatorToken).post(`/api/v1/accounts/${account.id}/password`, { password: "third33" });
    expect(await Bun.password.verify("third33", await storedHash(account.id))).toBe(true);

    const audit = await auditRows(api, "bind_account", account.id);
    expect(audit.map((r) => r.action)).toEqual(["bind_account.create", "bind_account.password_rotate", "bind_account.password_rotate"]);
    expect(audit[1]).toMatchObject({ actorType: "sp", reason: "quarterly rotation" });
    expect(JSON.stringify(audit)).not.toMatch(/argon|second2/);
  });

  it("lets the owning SP change its allowed addresses", async () => {
    const { sp, token } = await createSp(api);
    const account = await api.as(api.operatorToken).post("/api/v1/accounts", { spId: sp.id, systemId: "sp_ips", password: "abcdef" });
    const updated = await api.as(token).patch(`/api/v1/accounts/${account.id}`, { allowedIps: ["::ffff:192.0.2.1", "10.0.0.0/8"] });
    expect(updated.allowedIps).toEqual(["::ffff:192.0.2.1", "10.0.0.0/8"]);
  });
});
