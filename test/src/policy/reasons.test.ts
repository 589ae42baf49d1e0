import { describe, expect, it } from "vitest";
import { CONFIGURABLE_RULES, REASON_CODES, commandStatusFor, reasons } from "../../../src/policy/reasons.ts";

/** What Kannel re-queues (gw/smsc/smsc_smpp.c): RSYSERR, RMSGQFUL, RTHROTTLED, RX_T_APPN. */
const ESME_RETRIES = new Set([0x08, 0x14, 0x58, 0x64]);

describe("reasons table", () => {
  it("keys each reason by its own stable snake_case code", () => {
    for (const code of REASON_CODES) {
      expect(reasons[code].code).toBe(code);
      expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
    }
  });

  it("gives every reason an English and a Chinese sentence", () => {
    for (const code of REASON_CODES) {
      expect(reasons[code].sentence.length).toBeGreaterThan(15);
      expect(reasons[code].sentence).toMatch(/\.$/);
      expect(reasons[code].sentenceZh).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it("never uses ESME_RSYSERR (0x08): peers retry it", () => {
    for (const code of REASON_CODES) expect(reasons[code].commandStatus).not.toBe(0x08);
  });

  it("marks as retryable exactly the reasons whose status ESMEs retry", () => {
    for (const code of REASON_CODES) {
      expect(reasons[code].retryable, code).toBe(ESME_RETRIES.has(reasons[code].commandStatus));
    }
  });

  it("refuses on registry rules with permanent statuses: 0x0A for the port, else vendor codes 0x400–0x4FF", () => {
    for (const code of REASON_CODES) {
      const { rule, commandStatus, retryable } = reasons[code];
      if (rule === "protocol" || rule === "bind") continue;
      expect(retryable, code).toBe(false);
      if (code === "port_unknown" || code === "port_not_owned") expect(commandStatus).toBe(0x0a);
      else expect(commandStatus >= 0x400 && commandStatus <= 0x4ff, code).toBe(true);
    }
  });

  it("gives every reason its own status, except the two port-ownership reasons that share 0x0A", () => {
    const seen = new Map<number, string>();
    for (const code of REASON_CODES) {
      if (reasons[code].rule === "bind") continue; // the bind statuses, checked below
      const status = reasons[code].commandStatus;
      const previous = seen.get(status);
      if (previous) expect([previous, code].sort()).toEqual(["port_not_owned", "port_unknown"]);
      seen.set(status, code);
    }
  });

  it("puts every non-protocol reason in a configurable rule group, and uses every group", () => {
    const used = new Set(REASON_CODES.map((code) => reasons[code].rule).filter((rule) => rule !== "protocol" && rule !== "bind"));
    expect([...used].sort()).toEqual([...CONFIGURABLE_RULES].sort());
  });

  it("keeps the proxy's own reasons on the agreed wire statuses", () => {
    expect(commandStatusFor("throttled")).toBe(0x58);
    expect(reasons.throttled.retryable).toBe(true);
    expect(commandStatusFor("upstream_unavailable")).toBe(0x14);
    expect(reasons.upstream_unavailable.retryable).toBe(true);
    expect(commandStatusFor("invalid_destination")).toBe(0x0b);
    expect(reasons.concatenation_incomplete.retryable).toBe(false);
    expect(reasons.undecodable_text.retryable).toBe(false);
    expect(reasons.message_too_long.retryable).toBe(false);
  });

  it("keeps refused binds on the statuses bind_resp has always carried, apart from every submit refusal's", () => {
    const bindReasons = REASON_CODES.filter((code) => reasons[code].rule === "bind");
    expect(Object.fromEntries(bindReasons.map((code) => [code, commandStatusFor(code)]))).toEqual({
      bind_unknown_system_id: 0x0f,
      bind_bad_password: 0x0e,
      bind_locked_out: 0x0d,
      bind_address_not_allowed: 0x0d,
      bind_account_disabled: 0x0d,
      bind_too_many_binds: 0x0d,
    });
    const submitStatuses = new Set(REASON_CODES.filter((code) => reasons[code].rule !== "bind").map(commandStatusFor));
    for (const code of bindReasons) expect(submitStatuses.has(commandStatusFor(code)), code).toBe(false);
  });

  it("answers commandStatusFor from the table", () => {
    expect(commandStatusFor("port_not_owned")).toBe(0x0a);
    for (const code of REASON_CODES) expect(commandStatusFor(code)).toBe(reasons[code].commandStatus);
  });
});
