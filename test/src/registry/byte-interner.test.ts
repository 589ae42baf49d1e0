import { describe, expect, it } from "vitest";
import { ByteInterner } from "../../../src/registry/byte-interner.ts";

const latin1 = (bytes: Uint8Array, start: number, end: number) => Buffer.from(bytes.subarray(start, end)).toString("latin1");

describe("values found by their bytes (the bulk load's repeated signature fields)", () => {
  it("makes a value once per distinct byte sequence, wherever those bytes sit, and returns the same one after", () => {
    const interner = new ByteInterner<string>();
    let made = 0;
    const make = (bytes: Uint8Array, start: number, end: number) => (made++, latin1(bytes, start, end));
    const row = Buffer.from("x\tapproved\tpending\tapproved\t\t");
    const first = interner.get(row, 2, 10, make);
    expect(first).toBe("approved");
    expect(interner.get(row, 11, 18, make)).toBe("pending");
    // The same bytes elsewhere in the row, and in another buffer: the value already made.
    expect(interner.get(row, 19, 27, make)).toBe(first);
    expect(interner.get(Buffer.from("approved"), 0, 8, make)).toBe(first);
    // An empty field is a sequence too; a prefix of a known one is not that one.
    expect(interner.get(row, 28, 28, make)).toBe("");
    expect(interner.get(row, 2, 9, make)).toBe("approve");
    expect(made).toBe(4);
    expect(interner.size).toBe(4);
  });

  it("keeps every value apart as it grows past its first table and pool", () => {
    const interner = new ByteInterner<number>();
    const ids = Array.from({ length: 20_000 }, (_, i) => `60000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`);
    const pool = Buffer.from(ids.join(""), "latin1");
    ids.forEach((_, i) => expect(interner.get(pool, i * 36, i * 36 + 36, () => i)).toBe(i));
    expect(interner.size).toBe(ids.length);
    // Found again, each by its own bytes, nothing made twice.
    const never = () => -1;
    ids.forEach((id, i) => expect(interner.get(Buffer.from(id, "latin1"), 0, 36, never)).toBe(i));
  });
});
