/**
 * Bind lockout over real SMPP sockets: failures are counted per remote address and per account.
 * A success resets only its own account's count, never an address's (an SP holding account B
 * must not be able to clear its guesses at account A by binding B in between).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commandStatusFor } from "../../../src/policy/reasons.ts";
import { CommandStatus } from "../../../smpp/wire/commands.ts";
import type { DemoWorld } from "../../../demo/seed.ts";
import { rawBind, rawSmpp } from "../../faults/smpp/helpers.ts";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.ts";
import { seedAndSync } from "../../helpers/world.ts";

const ADDRESS_FAILURES = 3;
const ACCOUNT_FAILURES = 4;
const LOCKOUT_MS = 1500;

let gateway: TestGateway;
let world: DemoWorld;

beforeEach(async () => {
  gateway = await startTestGateway({
    env: {
      SMPP_BIND_LOCKOUT_FAILURES: String(ADDRESS_FAILURES),
      SMPP_BIND_ACCOUNT_LOCKOUT_FAILURES: String(ACCOUNT_FAILURES),
      SMPP_BIND_LOCKOUT_MS: String(LOCKOUT_MS),
    },
  });
  world = await seedAndSync(gateway);
});
afterEach(async () => {
  await gateway.close();
});

/** One bind on a fresh connection from `address`; the bind_resp status. */
async function bindFrom(address: string, credentials: { systemId: string; password: string }): Promise<number> {
  const peer = await rawSmpp(gateway.smppPort, address);
  try {
    return await rawBind(peer, credentials.systemId, credentials.password);
  } finally {
    peer.destroy();
  }
}

const wrong = (account: { systemId: string }, n: number) => ({ systemId: account.systemId, password: `bad${n}pw` });

describe("bind lockout", () => {
  it("a successful bind of account B does not clear the failures of account A from the same address", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < ADDRESS_FAILURES; i++) {
      statuses.push(await bindFrom("127.0.0.1", wrong(world.accountA, i)));
      if (i < ADDRESS_FAILURES - 1) expect(await bindFrom("127.0.0.1", world.accountB)).toBe(CommandStatus.ESME_ROK);
    }
    expect(statuses).toEqual(Array(ADDRESS_FAILURES).fill(commandStatusFor("bind_bad_password")));
    // The address is locked: even the right password of A, and B itself, are refused from it.
    expect(await bindFrom("127.0.0.1", world.accountA)).toBe(commandStatusFor("bind_locked_out"));
    expect(await bindFrom("127.0.0.1", world.accountB)).toBe(commandStatusFor("bind_locked_out"));
    // Another address is not.
    expect(await bindFrom("127.0.0.2", world.accountB)).toBe(CommandStatus.ESME_ROK);
  });

  it("failures against one account from many addresses lock that account, everywhere, for the lockout time", async () => {
    // One wrong password from each of four addresses: no address reaches its own limit.
    for (let i = 0; i < ACCOUNT_FAILURES; i++) expect(await bindFrom(`127.0.0.${10 + i}`, wrong(world.accountA, i))).toBe(commandStatusFor("bind_bad_password"));
    const lockedAt = performance.now();
    // The account is locked: the right password from a clean address is refused …
    expect(await bindFrom("127.0.0.20", world.accountA)).toBe(commandStatusFor("bind_locked_out"));
    // … while another account binds from that same address.
    expect(await bindFrom("127.0.0.20", world.accountB)).toBe(CommandStatus.ESME_ROK);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, LOCKOUT_MS - (performance.now() - lockedAt)) + 100));
    expect(await bindFrom("127.0.0.21", world.accountA)).toBe(CommandStatus.ESME_ROK);
  });

  it("a success resets its own account's count", async () => {
    for (let i = 0; i < ACCOUNT_FAILURES - 1; i++) expect(await bindFrom(`127.0.0.${30 + i}`, wrong(world.accountA, i))).toBe(commandStatusFor("bind_bad_password"));
    expect(await bindFrom("127.0.0.40", world.accountA)).toBe(CommandStatus.ESME_ROK);
    for (let i = 0; i < ACCOUNT_FAILURES - 1; i++) expect(await bindFrom(`127.0.0.${50 + i}`, wrong(world.accountA, i))).toBe(commandStatusFor("bind_bad_password"));
    expect(await bindFrom("127.0.0.60", world.accountA)).toBe(CommandStatus.ESME_ROK);
  });

  it("binds refused by the account's allowlist count against the address only, so strangers cannot lock an allowlisted account", async () => {
    await gateway.api.call("PATCH", `/accounts/${world.accountA.id}`, { allowedIps: ["127.0.0.0/30"], reason: "test" });
    const { waitFor } = await import("../../helpers/world.ts");
    await waitFor(() => gateway.registry.snapshot.accountsById.get(world.accountA.id)?.allowedIps.length === 1);
    for (let i = 0; i < ACCOUNT_FAILURES + 1; i++) expect(await bindFrom(`127.0.0.${70 + i}`, wrong(world.accountA, i))).toBe(commandStatusFor("bind_address_not_allowed"));
    expect(await bindFrom("127.0.0.2", world.accountA)).toBe(CommandStatus.ESME_ROK);
  });
});
