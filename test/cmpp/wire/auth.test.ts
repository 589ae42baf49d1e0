/** CONNECT authentication: the MD5 authenticators against gocmpp's vectors, and the timestamp check. */
import { describe, expect, it } from "vitest";
import { authenticatorIsmg, authenticatorSource, authenticatorsEqual, checkTimestamp, timestampAt, timestampDigits } from "../../../cmpp/wire/auth.ts";
import * as v from "../vectors.ts";

const at = (iso: string) => Date.parse(iso);

describe("CMPP authenticators", () => {
  it("AuthenticatorSource of TestCmppConnReqPktPack (900001 / 888888 / 1021080510)", () => {
    expect(Buffer.from(authenticatorSource("900001", "888888", 1021080510))).toEqual(Buffer.from(v.connect21.subarray(18, 34)));
  });

  it("AuthenticatorISMG: 1-byte Status in 2.0, 4-byte Status in 3.0 (TestCmpp2/3ConnRspPktPack)", () => {
    const source = v.connect21.subarray(18, 34);
    expect(Buffer.from(authenticatorIsmg(0, source, "888888", 2))).toEqual(Buffer.from(v.connectResp2.subarray(13, 29)));
    expect(Buffer.from(authenticatorIsmg(0, source, "888888", 3))).toEqual(Buffer.from(v.connectResp3.subarray(16, 32)));
  });

  it("the timestamp keeps its leading zero (gocmpp utils_test.go › TestTimeStamp2Str)", () => {
    expect(timestampDigits(121080510)).toBe("0121080510");
    expect(Buffer.from(authenticatorSource("900001", "888888", 121080510))).not.toEqual(Buffer.from(authenticatorSource("900001", "888888", 1210805100)));
  });

  it("compares in constant time and only 16-byte values", () => {
    const a = authenticatorSource("900001", "888888", 1021080510);
    expect(authenticatorsEqual(a, Uint8Array.from(a))).toBe(true);
    const b = Uint8Array.from(a);
    b[15]! ^= 1;
    expect(authenticatorsEqual(a, b)).toBe(false);
    expect(authenticatorsEqual(a.subarray(0, 15), a.subarray(0, 15))).toBe(false);
  });
});

describe("CONNECT timestamp check", () => {
  const skew = 5 * 60_000;

  it("reads China time: 2026-12-01 10:00:00 UTC is 1201180000", () => {
    expect(timestampAt(at("2026-12-01T10:00:00Z"))).toBe(1201180000);
    expect(checkTimestamp(1201180000, at("2026-12-01T10:00:00Z"), skew)).toEqual({ ok: true, skewMs: 0 });
  });

  it("accepts within the skew either way, refuses beyond it", () => {
    const now = at("2026-06-15T04:00:00Z"); // 0615120000 in China
    expect(checkTimestamp(615120400, now, skew)).toEqual({ ok: true, skewMs: 240_000 });
    expect(checkTimestamp(615115600, now, skew)).toEqual({ ok: true, skewMs: -240_000 });
    expect(checkTimestamp(615120600, now, skew)).toMatchObject({ ok: false, reason: "skewed" });
    expect(checkTimestamp(614120000, now, skew)).toMatchObject({ ok: false, reason: "skewed", skewMs: -86_400_000 });
  });

  it("handles the year wrap both ways: the timestamp has no year", () => {
    // Our clock: 1 January 00:00:30 China time; the SP's clock: 31 December 23:59:50.
    expect(checkTimestamp(1231235950, at("2026-12-31T16:00:30Z"), skew)).toEqual({ ok: true, skewMs: -40_000 });
    // Our clock: 31 December 23:59:50; the SP's: 1 January 00:00:20.
    expect(checkTimestamp(101000020, at("2026-12-31T15:59:50Z"), skew)).toEqual({ ok: true, skewMs: 30_000 });
  });

  it("29 February is only a date in a leap year; impossible dates and values are invalid", () => {
    expect(checkTimestamp(229120000, at("2028-02-29T04:00:00Z"), skew)).toEqual({ ok: true, skewMs: 0 });
    // Around March 2026 the candidate years 2025–2027 have no 29 February.
    expect(checkTimestamp(229120000, at("2026-03-01T04:00:00Z"), 3 * 86_400_000)).toMatchObject({ ok: false, reason: "invalid" });
    for (const bad of [0, 1301000000, 431120000, 1201240000, 1201126000, 1201120060, 4_000_000_000, -1, 1.5]) {
      expect(checkTimestamp(bad, at("2026-12-01T04:00:00Z"), 400 * 86_400_000)).toMatchObject({ ok: false, reason: "invalid" });
    }
  });
});
