import { describe, expect, it } from "vitest";
import { addressInCidrs, isAddressAllowed, parseAddress, parseCidr, parseCidrDetailed } from "../../../src/lib/cidr.ts";

describe("parseAddress", () => {
  it("parses IPv4 and refuses malformed dotted quads", () => {
    expect(parseAddress("192.0.2.1")).toEqual({ family: 4, value: 0xc0000201n });
    for (const bad of ["192.0.2", "192.0.2.256", "192.0.2.01", "1.2.3.4.5", "a.b.c.d", "", " "]) expect(parseAddress(bad)).toBeUndefined();
  });

  it("parses IPv6 in full, compressed, embedded-IPv4, bracketed and zoned forms", () => {
    expect(parseAddress("::")).toEqual({ family: 6, value: 0n });
    expect(parseAddress("::1")).toEqual({ family: 6, value: 1n });
    expect(parseAddress("2001:db8::1")!.value).toBe(parseAddress("2001:0db8:0000:0000:0000:0000:0000:0001")!.value);
    expect(parseAddress("::ffff:127.0.0.1")).toEqual({ family: 6, value: (0xffffn << 32n) | 0x7f000001n });
    expect(parseAddress("[2001:db8::1]")!.family).toBe(6);
    expect(parseAddress("fe80::1%eth0")).toEqual({ family: 6, value: (0xfe80n << 112n) | 1n });
    expect(parseAddress("1:2:3:4:5:6:7::")!.value).toBe(parseAddress("1:2:3:4:5:6:7:0")!.value);
    for (const bad of [":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1::2:3:4:5:6:7:8", "12345::", "g::1", ":1::", "1:2:3:4:5:6:7"]) {
      expect(parseAddress(bad)).toBeUndefined();
    }
  });
});

describe("parseCidr", () => {
  it("parses blocks and bare addresses", () => {
    expect(parseCidr("10.0.0.0/8")).toEqual({ family: 4, network: 0x0a000000n, prefix: 8 });
    expect(parseCidr("203.0.113.7")).toEqual({ family: 4, network: 0xcb007107n, prefix: 32 });
    expect(parseCidr("0.0.0.0/0")).toEqual({ family: 4, network: 0n, prefix: 0 });
    expect(parseCidr("2001:db8::/32")).toMatchObject({ family: 6, prefix: 32 });
    expect(parseCidr("::1")).toEqual({ family: 6, network: 1n, prefix: 128 });
  });

  it("refuses bad prefixes, host bits and zones, saying why", () => {
    expect(parseCidrDetailed("10.0.0.0/33")).toMatchObject({ ok: false, reason: expect.stringContaining("0-32") });
    expect(parseCidrDetailed("2001:db8::/129")).toMatchObject({ ok: false, reason: expect.stringContaining("0-128") });
    expect(parseCidrDetailed("10.0.0.1/8")).toMatchObject({ ok: false, reason: expect.stringContaining("host bits") });
    expect(parseCidrDetailed("10.0.0.0/")).toMatchObject({ ok: false });
    expect(parseCidrDetailed("10.0.0.0/08")).toMatchObject({ ok: false });
    expect(parseCidrDetailed("fe80::1%eth0")).toMatchObject({ ok: false, reason: expect.stringContaining("zone") });
    expect(parseCidrDetailed("example.com")).toMatchObject({ ok: false, reason: expect.stringContaining("not an IPv4 or IPv6") });
  });
});

describe("addressInCidrs", () => {
  it("matches IPv4 blocks at their edges", () => {
    const cidrs = ["192.0.2.0/24", "198.51.100.7"];
    expect(addressInCidrs("192.0.2.0", cidrs)).toBe(true);
    expect(addressInCidrs("192.0.2.255", cidrs)).toBe(true);
    expect(addressInCidrs("192.0.3.0", cidrs)).toBe(false);
    expect(addressInCidrs("198.51.100.7", cidrs)).toBe(true);
    expect(addressInCidrs("198.51.100.8", cidrs)).toBe(false);
    expect(addressInCidrs("8.8.8.8", ["0.0.0.0/0"])).toBe(true);
  });

  it("matches IPv6 blocks and keeps families apart", () => {
    expect(addressInCidrs("2001:db8:1::5", ["2001:db8::/32"])).toBe(true);
    expect(addressInCidrs("2001:db9::5", ["2001:db8::/32"])).toBe(false);
    expect(addressInCidrs("::1", ["127.0.0.0/8"])).toBe(false);
    expect(addressInCidrs("127.0.0.1", ["::1"])).toBe(false);
  });

  it("treats IPv4-mapped IPv6 addresses as the IPv4 address they carry", () => {
    expect(addressInCidrs("::ffff:127.0.0.1", ["127.0.0.0/8"])).toBe(true);
    expect(addressInCidrs("::ffff:7f00:1", ["127.0.0.1"])).toBe(true);
    expect(addressInCidrs("::ffff:10.1.2.3", ["127.0.0.0/8"])).toBe(false);
    expect(addressInCidrs("127.0.0.1", ["::ffff:127.0.0.0/104"])).toBe(true);
  });

  it("never matches unparseable input, and an empty allow-list admits anyone", () => {
    expect(addressInCidrs("not an ip", ["0.0.0.0/0"])).toBe(false);
    expect(addressInCidrs("10.0.0.1", ["garbage", "10.0.0.0/8"])).toBe(true);
    expect(addressInCidrs("10.0.0.1", [])).toBe(false);
    expect(isAddressAllowed("10.0.0.1", [])).toBe(true);
    expect(isAddressAllowed("10.0.0.1", ["192.0.2.0/24"])).toBe(false);
    expect(isAddressAllowed("10.0.0.1", [parseCidr("10.0.0.0/8")!])).toBe(true);
  });
});
