import { describe, expect, it } from "vitest";
import type { RejectionEvent } from "../../../src/journal/journal.ts";
import { commandStatusFor } from "../../../src/policy/reasons.ts";
import type { RegistrySnapshot } from "../../../src/registry/snapshot.ts";
import { createBindAuthenticator, type BindRefusal } from "../../../smpp/proxy/bind-auth.ts";
import { BindRefusalJournal, journaledSystemId } from "../../../smpp/proxy/bind-refusals.ts";
import type { AuthenticateRequest } from "../../../smpp/session/server.ts";

function recorder() {
  const rows: RejectionEvent[] = [];
  const coalesced: string[] = [];
  const journal = { recordRejection: (event: RejectionEvent) => void rows.push(event) };
  const metrics = { bindRefusalsCoalesced: { inc: (labels: { reason: string }) => void coalesced.push(labels.reason) } } as never;
  return { rows, coalesced, journal, metrics };
}

const account = { id: "a0000000-0000-4000-8000-000000000001", spId: "5b000000-0000-4000-8000-000000000001" };
const refusal = (reason: BindRefusal["reason"], remoteAddress = "198.51.100.7", extra: Partial<BindRefusal> = {}): BindRefusal => ({ reason, mode: "transceiver", remoteAddress, account, ...extra });

describe("bind refusals in the journal", () => {
  it("journals each refusal the lockout bounds, with command, account, SP and remote address", () => {
    const { rows, journal } = recorder();
    const refusals = new BindRefusalJournal({ journal });
    for (let i = 0; i < 3; i++) expect(refusals.record(refusal("bind_bad_password"), 1000 + i)).toBe(true);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({
      at: 1000,
      reason: "bind_bad_password",
      monitor: false,
      command: "bind_transceiver",
      spId: account.spId,
      accountId: account.id,
      remoteAddress: "198.51.100.7",
      text: null,
    });
  });

  it("journals a locked-out address once per minute per reason and account, and counts the rest", () => {
    const { rows, coalesced, journal, metrics } = recorder();
    const refusals = new BindRefusalJournal({ journal, metrics });
    for (let i = 0; i < 1000; i++) refusals.record(refusal("bind_locked_out"), 10_000 + i * 50); // 20 per second for 50 s
    expect(rows).toHaveLength(1);
    expect(coalesced).toHaveLength(999);
    expect(new Set(coalesced)).toEqual(new Set(["bind_locked_out"]));
    // Another address, another reason, another account: each its own first row.
    refusals.record(refusal("bind_locked_out", "198.51.100.8"), 60_000);
    refusals.record(refusal("bind_too_many_binds"), 60_000);
    refusals.record(refusal("bind_locked_out", "198.51.100.7", { account: undefined }), 60_000);
    expect(rows).toHaveLength(4);
    // A minute after the first row, the same key is journaled again.
    expect(refusals.record(refusal("bind_locked_out"), 70_000)).toBe(true);
    expect(rows).toHaveLength(5);
  });

  it("caps the rows per minute in all, so many addresses cannot flood the journal either", () => {
    const { rows, coalesced, journal, metrics } = recorder();
    const refusals = new BindRefusalJournal({ journal, metrics, maxPerWindow: 10 });
    for (let i = 0; i < 50; i++) refusals.record(refusal("bind_unknown_system_id", `203.0.113.${i}`, { account: undefined, unknownSystemId: "guess" }), 5000 + i);
    expect(rows).toHaveLength(10);
    expect(coalesced).toHaveLength(40);
    refusals.record(refusal("bind_unknown_system_id", "203.0.113.200", { account: undefined }), 5000 + 60_000);
    expect(rows).toHaveLength(11);
  });

  it("keeps an unknown system_id short, escaped and with digit runs masked", () => {
    expect(journaledSystemId("nobody")).toBe("system_id: nobody");
    expect(journaledSystemId("hx\u0000sp\\x")).toBe("system_id: hx\\x00sp\\x5cx");
    expect(journaledSystemId("13800138000")).toBe("system_id: ***********");
    expect(journaledSystemId("a 云")).toBe("system_id: a\\x20\\u{4e91}");
    expect(journaledSystemId("x".repeat(40))).toBe(`system_id: ${"x".repeat(16)}…`);
  });
});

describe("bind authentication reports refusals without the password", () => {
  async function authenticator(options: { allowedIps?: string[]; status?: string; bound?: number } = {}) {
    const entry = {
      ...account,
      systemId: "hx_sp",
      passwordHash: await Bun.password.hash("hx123456", { algorithm: "bcrypt", cost: 4 }),
      allowedIps: options.allowedIps ?? [],
      status: options.status ?? "active",
      maxBinds: 2,
      defaultCategory: "notification",
    };
    const snapshot = { accountsBySystemId: new Map([[entry.systemId, entry]]), spStatus: new Map() } as unknown as RegistrySnapshot;
    const refusals: BindRefusal[] = [];
    const authenticate = createBindAuthenticator({
      registry: () => snapshot,
      bindsOf: () => options.bound ?? 0,
      instances: 1,
      lockout: { maxFailures: 2, windowMs: 60_000, lockoutMs: 60_000 },
      onRefusal: (refusal) => refusals.push(refusal),
    });
    const bind = (systemId: string, password: string, remoteAddress = "127.0.0.1") =>
      authenticate({ systemId, password, systemType: "", mode: "transmitter", remoteAddress, bind: {} } as unknown as AuthenticateRequest);
    return { bind, refusals };
  }

  it("names the reason and the account, answers its status, and keeps an unknown system_id only when it cannot be a password", async () => {
    const { bind, refusals } = await authenticator();
    expect(await bind("hx_sp", "wrong123")).toEqual({ ok: false, status: commandStatusFor("bind_bad_password") });
    expect(await bind("nobody", "secret99", "127.0.0.2")).toEqual({ ok: false, status: commandStatusFor("bind_unknown_system_id") });
    // Fields swapped: the password field holds a known system_id, so the system_id field may be a password.
    expect(await bind("hx123456", "hx_sp", "127.0.0.3")).toEqual({ ok: false, status: commandStatusFor("bind_unknown_system_id") });
    expect(refusals).toEqual([
      { reason: "bind_bad_password", mode: "transmitter", remoteAddress: "127.0.0.1", account },
      { reason: "bind_unknown_system_id", mode: "transmitter", remoteAddress: "127.0.0.2", unknownSystemId: "nobody" },
      { reason: "bind_unknown_system_id", mode: "transmitter", remoteAddress: "127.0.0.3" },
    ]);
    expect(JSON.stringify(refusals)).not.toMatch(/wrong123|secret99|hx123456/);
  });

  it("attributes a locked-out bind to the account it names, even with the right password", async () => {
    const { bind, refusals } = await authenticator();
    await bind("hx_sp", "wrong123");
    await bind("hx_sp", "wrong456");
    expect(await bind("hx_sp", "hx123456")).toEqual({ ok: false, status: commandStatusFor("bind_locked_out") });
    expect(refusals.at(-1)).toEqual({ reason: "bind_locked_out", mode: "transmitter", remoteAddress: "127.0.0.1", account });
  });

  it("refuses outside the allowlist, a disabled account and a full one with ESME_RBINDFAIL and their own reasons", async () => {
    const outside = await authenticator({ allowedIps: ["10.9.9.0/24"] });
    expect(await outside.bind("hx_sp", "hx123456")).toEqual({ ok: false, status: 0x0d });
    const disabled = await authenticator({ status: "disabled" });
    expect(await disabled.bind("hx_sp", "hx123456")).toEqual({ ok: false, status: 0x0d });
    const full = await authenticator({ bound: 2 });
    expect(await full.bind("hx_sp", "hx123456")).toEqual({ ok: false, status: 0x0d });
    expect([...outside.refusals, ...disabled.refusals, ...full.refusals].map((r) => r.reason)).toEqual(["bind_address_not_allowed", "bind_account_disabled", "bind_too_many_binds"]);
  });
});
