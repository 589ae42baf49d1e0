import { describe, expect, it } from "vitest";
import { parseHeldPayload } from "../../../src/deliveries/held-feed.ts";

const SP = "10000000-0000-4000-8000-000000000001";
const ACCOUNT = "50000000-0000-4000-8000-000000000001";

describe("deliveries_held payloads (anyone who can NOTIFY on the database can send one)", () => {
  it("reads the announcements a proxy writes", () => {
    expect(parseHeldPayload(`host-w1|receipt|${SP}|${ACCOUNT}`)).toEqual({ from: "host-w1", owner: { kind: "receipt", spId: SP, accountId: ACCOUNT } });
    expect(parseHeldPayload(`host-w0|mo|${SP}|`)).toEqual({ from: "host-w0", owner: { kind: "mo", spId: SP, accountId: null } });
  });

  it("ignores anything else instead of acting on it", () => {
    for (const payload of [
      "",
      "garbage",
      `host|receipt|${SP}`,
      `host|receipt|${SP}|${ACCOUNT}|extra`,
      `host|dlr|${SP}|${ACCOUNT}`,
      `host|receipt|not-a-uuid|${ACCOUNT}`,
      `host|receipt|${SP}|' or 1=1 --`,
      `host|receipt|${SP}\n|${ACCOUNT}`,
    ]) {
      expect(parseHeldPayload(payload), payload).toBeUndefined();
    }
  });
});
