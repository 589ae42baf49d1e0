import { describe, expect, it } from "vitest";
import { Key64Set, recipientKey, recipientKeyAt, saltedRecipientKey } from "../../../src/registry/key-set.ts";

describe("Key64Set", () => {
  it("adds many at once (in slot order) to the same set as one by one, growing past its size, with values and duplicates", () => {
    const count = 50_000;
    const his = new Uint32Array(count);
    const los = new Uint32Array(count);
    const values = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      his[i] = (i % 40_000) * 2654435761 >>> 0; // the last 10,000 repeat earlier keys with new values
      los[i] = ((i % 40_000) * 40503 + 7) >>> 0;
      values[i] = i + 1;
    }
    his[20_000] = 0; // a reserved pair is still a key (index 20,000 is not repeated)
    los[20_000] = 1;
    const bulk = new Key64Set(16, { values: true });
    bulk.addMany(his, los, values, count);
    const single = new Key64Set(16, { values: true });
    for (let i = 0; i < count; i++) single.add(his[i]!, los[i]!, values[i]!);
    expect(bulk.size).toBe(40_000);
    expect(single.size).toBe(40_000);
    for (let i = 0; i < 40_000; i++) {
      // The later duplicate's value wins, as with add().
      const expected = i < 10_000 ? i + 40_001 : i + 1;
      expect(bulk.valueOf(his[i]!, los[i]!)).toBe(expected);
      expect(single.valueOf(his[i]!, los[i]!)).toBe(expected);
    }
    expect(bulk.has(123, 456)).toBe(false);
    expect(bulk.valueOf(123, 456)).toBeUndefined();
  });

  it("adds, finds, deletes and survives growth and tombstones", () => {
    const set = new Key64Set(4);
    const keys: [number, number][] = [];
    for (let i = 1; i <= 20_000; i++) keys.push([(i * 2654435761) >>> 0, (i * 40503) >>> 0]);
    keys.push([0, 0], [0, 1], [0, 2]); // the reserved pairs must still work as real keys
    for (const [hi, lo] of keys) expect(set.add(hi, lo)).toBe(true);
    expect(set.size).toBe(keys.length - 0);
    for (const [hi, lo] of keys) expect(set.has(hi, lo)).toBe(true);
    expect(set.has(123, 456)).toBe(false);
    for (let i = 0; i < 10_000; i++) expect(set.delete(keys[i]![0], keys[i]![1])).toBe(true);
    for (let i = 0; i < 10_000; i++) expect(set.has(keys[i]![0], keys[i]![1])).toBe(false);
    for (let i = 10_000; i < keys.length; i++) expect(set.has(keys[i]![0], keys[i]![1])).toBe(true);
    for (let i = 0; i < 10_000; i++) set.add(keys[i]![0], keys[i]![1]);
    expect(set.size).toBe(keys.length);
  });

  it("keeps (recipient, enterprise) pairs apart", () => {
    const out: [number, number] = [0, 0];
    const hash = "0123456789abcdef0123456789abcdef";
    const a = [...recipientKey(hash, 1, out)];
    const b = [...recipientKey(hash, 2, out)];
    const plain = [...recipientKey(hash, 0, out)];
    expect(a).not.toEqual(b);
    expect(plain).toEqual([0x01234567, 0x89abcdef]);
  });

  it("reads a hash's first 16 hex digits, either case, as two 32-bit words, and refuses any other character in them", () => {
    const out: [number, number] = [0, 0];
    for (let i = 0; i < 200; i++) {
      const hex = Array.from({ length: 64 }, () => "0123456789abcdef"[Math.floor(Math.random() * 16)]).join("");
      const expected = BigInt(`0x${hex.slice(0, 16)}`);
      for (const text of [hex, hex.toUpperCase()]) {
        expect(recipientKeyAt(text, 0, 0, out)).toBe(true);
        expect((BigInt(out[0]) << 32n) | BigInt(out[1])).toBe(expected);
        // Unsalted, the key is the digits; salted, both words change, and the same way each time.
        expect(recipientKey(text, 0, [0, 0])).toEqual([...out]);
        const salted = saltedRecipientKey(text, 7, [0, 0]);
        expect(salted[0] !== out[0] && salted[1] !== out[1]).toBe(true);
        expect(saltedRecipientKey(text, 7, [0, 0])).toEqual(salted);
      }
    }
    // "g", a full-width "ｆ" (U+FF46, whose low byte is "F"), a space, and a character past the table.
    for (const bad of ["g", "\uff46", " ", "\u0130"]) {
      for (const at of [0, 7, 8, 15]) {
        const text = `${"a".repeat(at)}${bad}${"b".repeat(63 - at)}`;
        expect(recipientKeyAt(text, 0, 0, out)).toBe(false);
      }
    }
    // Digits past the 16th do not matter.
    expect(recipientKeyAt(`${"c".repeat(16)}zz`, 0, 0, out)).toBe(true);
  });
});
