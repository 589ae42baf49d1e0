/**
 * Shared secrets that must be recoverable (CMPP's AuthenticatorSource is an MD5 over the secret, so
 * a one-way hash cannot check it) are stored encrypted: AES-256-GCM under a key from the
 * environment (`SECRETS_KEY`), never in clear, never logged.
 *
 * Stored form: `v1.<key id>.<base64 iv(12) | tag(16) | ciphertext>`, the key id being the first 8
 * hex digits of SHA-256(key), so a row says which key sealed it. Rotation: start with the new key in
 * `SECRETS_KEY` and the old one in `SECRETS_KEY_PREVIOUS`; rows sealed with either open, and the
 * composition root re-seals every row under the new key at start-up (see reencryptAccountSecrets in
 * src/accounts/account-secrets.ts). Once that has run on every instance, drop SECRETS_KEY_PREVIOUS.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

export interface SecretBox {
  /** The key id current seals carry. */
  readonly keyId: string;
  seal(secret: string): string;
  /** The secret, or undefined when the text is not a seal of one of our keys (wrong key, tampered). */
  open(sealed: string): string | undefined;
  /** Whether `sealed` was made with the current key. */
  isCurrent(sealed: string): boolean;
}

/** A 32-byte key from 64 hex digits or base64 of 32 bytes. */
export function parseSecretsKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  if (key.length !== 32) throw new Error("must be 32 bytes: 64 hex digits or base64 of 32 bytes");
  return key;
}

const keyIdOf = (key: Buffer) => createHash("sha256").update(key).digest("hex").slice(0, 8);

export function createSecretBox(current: Buffer, previous: readonly Buffer[] = []): SecretBox {
  const keys = new Map<string, Buffer>();
  for (const key of [current, ...previous]) keys.set(keyIdOf(key), key);
  const keyId = keyIdOf(current);
  return {
    keyId,
    seal(secret) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", current, iv);
      cipher.setAAD(Buffer.from(`v1.${keyId}`));
      const body = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
      return `v1.${keyId}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64")}`;
    },
    open(sealed) {
      const [version, id, payload] = sealed.split(".");
      if (version !== "v1" || !id || payload === undefined) return undefined;
      const key = keys.get(id);
      if (!key) return undefined;
      const bytes = Buffer.from(payload, "base64");
      if (bytes.length < 28) return undefined;
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, 12));
        decipher.setAAD(Buffer.from(`v1.${id}`));
        decipher.setAuthTag(bytes.subarray(12, 28));
        return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString("utf8");
      } catch {
        return undefined;
      }
    },
    isCurrent(sealed) {
      return sealed.startsWith(`v1.${keyId}.`);
    },
  };
}
