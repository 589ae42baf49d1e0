import { describe, expect, it } from "vitest";
import { encodeChange, parseChange, type RegistryChange } from "../../../src/db/change-feed.ts";

const id = "0190f3a2-7b1c-7d2e-8f00-0123456789ab";
const hash = "ab".repeat(32);

describe("registry change feed", () => {
  it("parses back every change a writer encodes", () => {
    const changes: RegistryChange[] = [
      { table: "settings" },
      { table: "port_extensions" },
      { table: "signatures", id },
      { table: "enterprises", id },
      { table: "opt_outs", id },
      { table: "opt_outs", removed: { recipientHash: hash, enterpriseId: id } },
      { table: "do_not_disturb", removed: { recipientHash: hash } },
      { table: "consents", id },
      { table: "consent_requests", id },
      { table: "consents", range: { from: id, to: "0190f3a2-7b1c-7d2e-8f00-0123456789ff" } },
    ];
    for (const change of changes) expect(parseChange(encodeChange(change))).toEqual({ ok: true, change });
    expect(encodeChange({ table: "opt_outs", removed: { recipientHash: hash, enterpriseId: id } })).toBe(`opt_outs:-${hash}:${id}`);
  });

  it("refuses, without throwing, payloads no writer produces", () => {
    for (const payload of ["", "signature_ports", `signature_ports:${id}`, "users:1", "settings:1", `signatures:-${hash}`, "opt_outs:-", `opt_outs:-${hash}`, `opt_outs:-${hash}:${id}:x`, "do_not_disturb:-", "signatures:", "signatures:1' or '1'='1", "signatures:not-a-uuid", `signatures:${id}\u0000`, `consents:${id}..`, `consents:${id}..x`, `signatures:${id}..${id}`, `consents:-${hash}`]) {
      const parsed = parseChange(payload);
      expect(parsed.ok, payload).toBe(false);
    }
  });
});
