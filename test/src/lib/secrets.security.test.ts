/** Sealed secrets (src/lib/secrets.ts): what an attacker with the database but not the key gets, and key rotation. */
import { expect, it } from "vitest";
import { createSecretBox, parseSecretsKey } from "../../../src/lib/secrets.ts";

const oldKey = parseSecretsKey("aa".repeat(32));
const newKey = parseSecretsKey(Buffer.alloc(32, 7).toString("base64"));

it("seals to a different text each time, never containing the secret, and opens to the secret", () => {
  const box = createSecretBox(oldKey);
  const a = box.seal("cmpp-secret-A");
  const b = box.seal("cmpp-secret-A");
  expect(a).not.toBe(b);
  expect(a).not.toContain("cmpp-secret-A");
  expect(Buffer.from(a.split(".")[2]!, "base64").toString("latin1")).not.toContain("cmpp-secret-A");
  expect(box.open(a)).toBe("cmpp-secret-A");
});

it("does not open a seal under another key, a tampered seal, or one whose key id was swapped", () => {
  const box = createSecretBox(oldKey);
  const other = createSecretBox(newKey);
  const sealed = box.seal("cmpp-secret-A");
  expect(other.open(sealed)).toBeUndefined();
  const bytes = Buffer.from(sealed.split(".")[2]!, "base64");
  bytes[bytes.length - 1]! ^= 1;
  expect(box.open(`v1.${box.keyId}.${bytes.toString("base64")}`)).toBeUndefined();
  expect(box.open(sealed.replace(box.keyId, other.keyId))).toBeUndefined();
  expect(box.open("not a seal")).toBeUndefined();
});

it("rotation: the new box opens old seals through the previous key and knows they need re-sealing", () => {
  const sealedOld = createSecretBox(oldKey).seal("cmpp-secret-A");
  const rotated = createSecretBox(newKey, [oldKey]);
  expect(rotated.open(sealedOld)).toBe("cmpp-secret-A");
  expect(rotated.isCurrent(sealedOld)).toBe(false);
  const resealed = rotated.seal("cmpp-secret-A");
  expect(rotated.isCurrent(resealed)).toBe(true);
  expect(createSecretBox(oldKey).open(resealed)).toBeUndefined();
});

it("takes only 32-byte keys", () => {
  expect(() => parseSecretsKey("abcd")).toThrow(/32 bytes/);
  expect(() => parseSecretsKey("aa".repeat(31))).toThrow(/32 bytes/);
});
