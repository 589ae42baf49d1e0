import { describe, expect, it } from "vitest";
import { UuidOrdinals } from "../../../src/registry/uuid-ordinals.ts";

const ascii = (text: string) => new TextEncoder().encode(text);
const hexOf = (uuid: string) => uuid.replaceAll("-", "");

describe("enterprise ordinals by UUID bytes (the bulk load's COPY rows)", () => {
  const ids = ["01900000-0000-7000-8000-00000000000a", "01900000-0000-7000-8000-00000000000b", "01938a6e-1f2c-7d11-9a3b-5c4d3e2f1a0b"];

  it("reads the last 8 bytes when they tell the enterprises apart, and finds each by them", () => {
    const ordinals = new UuidOrdinals(ids);
    expect(ordinals.hexDigits).toBe(16);
    expect(ordinals.bytesSql("t.enterprise_id")).toBe("substr(uuid_send(t.enterprise_id), 9)");
    const row = ascii(`x\t${ids.map((id) => hexOf(id).slice(16)).join("")}`);
    expect([0, 1, 2].map((i) => ordinals.ordinalAt(row, 2 + i * 16))).toEqual([1, 2, 3]);
    expect(ordinals.ordinalAt(ascii("8000000000000fff"), 0)).toBe(0); // not loaded
    expect(ordinals.ordinalAt(ascii("80000000000000zz"), 0)).toBe(0); // not hex
  });

  it("reads all 16 bytes when two enterprises share their last 8, so neither takes the other's ordinal", () => {
    const twins = [...ids, "01ffffff-ffff-7fff-8000-00000000000a"]; // the first one's last 8 bytes
    const ordinals = new UuidOrdinals(twins);
    expect(ordinals.hexDigits).toBe(32);
    expect(ordinals.bytesSql("s.enterprise_id")).toBe("uuid_send(s.enterprise_id)");
    const row = ascii(twins.map(hexOf).join("").toUpperCase());
    expect([0, 1, 2, 3].map((i) => ordinals.ordinalAt(row, i * 32))).toEqual([1, 2, 3, 4]);
    expect(ordinals.ordinalAt(ascii(hexOf("01900000-0000-7000-8000-00000000000c")), 0)).toBe(0);
  });

  it("refuses an id that is not a UUID", () => {
    expect(() => new UuidOrdinals(["not-a-uuid"])).toThrow(/not a UUID/);
  });
});
