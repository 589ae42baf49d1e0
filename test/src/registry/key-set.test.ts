import { describe, expect, it } from "vitest";
import { Key64Set, recipientKey } from "../../../src/registry/key-set.ts";

describe("Key64Set", () => {
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
});
