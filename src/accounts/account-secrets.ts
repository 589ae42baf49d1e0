/**
 * Key rotation for sealed CMPP secrets: re-seals, under the current SECRETS_KEY, every account
 * secret sealed with an older key (one that SECRETS_KEY_PREVIOUS still opens). Run by the
 * composition root at start-up; safe on several instances at once (each row is re-sealed in its own
 * statement, and a row another instance already re-sealed is skipped). Never logs a secret.
 */
import { eq, isNotNull } from "drizzle-orm";
import type { Executor } from "../db/client.ts";
import { bindAccounts } from "../db/schema/index.ts";
import type { Logger } from "pino";
import type { Config } from "../config.ts";
import { createSecretBox, parseSecretsKey, type SecretBox } from "../lib/secrets.ts";

export interface ResealOutcome {
  resealed: number;
  /** Rows no configured key opens (sealed with a key neither SECRETS_KEY nor SECRETS_KEY_PREVIOUS holds). */
  unreadable: string[];
}

export async function resealAccountSecrets(db: Executor, box: SecretBox): Promise<ResealOutcome> {
  const rows = await db.select({ id: bindAccounts.id, secretSealed: bindAccounts.secretSealed }).from(bindAccounts).where(isNotNull(bindAccounts.secretSealed));
  const outcome: ResealOutcome = { resealed: 0, unreadable: [] };
  for (const row of rows) {
    if (!row.secretSealed || box.isCurrent(row.secretSealed)) continue;
    const secret = box.open(row.secretSealed);
    if (secret === undefined) {
      outcome.unreadable.push(row.id);
      continue;
    }
    await db.update(bindAccounts).set({ secretSealed: box.seal(secret) }).where(eq(bindAccounts.id, row.id));
    outcome.resealed++;
  }
  return outcome;
}

/**
 * The box that seals CMPP shared secrets (undefined without SECRETS_KEY). With SECRETS_KEY_PREVIOUS
 * set (a key rotation), every secret sealed with the previous key is re-sealed under the new one;
 * the composition root calls this before the registry loads.
 */
export async function openSecretBox(config: Pick<Config, "SECRETS_KEY" | "SECRETS_KEY_PREVIOUS">, db: Executor, logger: Pick<Logger, "info">): Promise<SecretBox | undefined> {
  if (!config.SECRETS_KEY) return undefined;
  const previous = config.SECRETS_KEY_PREVIOUS ? [parseSecretsKey(config.SECRETS_KEY_PREVIOUS)] : [];
  const box = createSecretBox(parseSecretsKey(config.SECRETS_KEY), previous);
  if (previous.length > 0) {
    const outcome = await resealAccountSecrets(db, box);
    logger.info({ resealed: outcome.resealed, unreadable: outcome.unreadable }, "CMPP secrets re-sealed under the current SECRETS_KEY");
  }
  return box;
}
