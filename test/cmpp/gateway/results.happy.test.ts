/** The Result table is derived from the one closed reason list: every reason has one, distinct where SMPP's are distinct. */
import { expect, it } from "vitest";
import { CONNECT_STATUS, submitResultFor, UPSTREAM_REFUSED_RESULT, VENDOR_RESULT_BASE } from "../../../cmpp/gateway/results.ts";
import { reasons, type ReasonCode } from "../../../src/policy/reasons.ts";

const submitReasons = (Object.keys(reasons) as ReasonCode[]).filter((code) => !code.startsWith("bind_"));

it("maps every submit reason to a Result that fits CMPP 2.0's one byte and is never 0", () => {
  for (const reason of submitReasons) {
    const result = submitResultFor(reason);
    expect(result, reason).toBeGreaterThan(0);
    expect(result, reason).toBeLessThanOrEqual(255);
    expect(result, reason).not.toBe(9); // no reason falls through to "other error"
    expect(result, reason).not.toBe(UPSTREAM_REFUSED_RESULT);
  }
});

it("uses flow control (8) exactly for the retryable reasons, so the SP retries those and only those", () => {
  for (const reason of submitReasons) expect(submitResultFor(reason) === 8, reason).toBe((reasons as Record<string, { retryable: boolean }>)[reason]!.retryable);
});

it("keeps distinct SMPP statuses distinct: two reasons share a Result only when they share a command_status", () => {
  const byResult = new Map<number, Set<number>>();
  for (const reason of submitReasons) {
    const result = submitResultFor(reason);
    const statuses = byResult.get(result) ?? new Set<number>();
    statuses.add(reasons[reason].commandStatus);
    byResult.set(result, statuses);
  }
  for (const [result, statuses] of byResult) if (result !== 8) expect(statuses.size, `Result ${result}`).toBe(1);
});

it("puts the registry's reasons in the documented vendor range 64 + (status − 0x400)", () => {
  expect(submitResultFor("sublet_no_contract")).toBe(VENDOR_RESULT_BASE + 0x20);
  expect(submitResultFor("signature_unregistered")).toBe(VENDOR_RESULT_BASE + 0x15);
  expect(VENDOR_RESULT_BASE).toBe(64);
  expect(submitResultFor("port_category_not_allowed")).toBe(64 + 0xa0);
  expect(submitResultFor("port_not_owned")).toBe(10);
  expect(submitResultFor("invalid_destination")).toBe(13);
});

it("gives every bind reason a CONNECT Status other than 0", () => {
  for (const reason of Object.keys(reasons).filter((code) => code.startsWith("bind_"))) {
    expect(CONNECT_STATUS[reason as keyof typeof CONNECT_STATUS], reason).toBeGreaterThan(0);
  }
});
