import type { Database, Executor } from "./db/client.ts";
import type { PiiProtector } from "./lib/pii.ts";
import type { SecretBox } from "./lib/secrets.ts";

/** Who is acting. SP actors carry the SP they belong to; `system` covers the proxy and schedulers. */
export type Actor =
  | { type: "operator"; id: string }
  | { type: "auditor"; id: string }
  /** readOnly: the SP is suspended, so its tokens may read but change nothing. */
  | { type: "sp"; id: string; spId: string; readOnly?: boolean }
  | { type: "system"; id: string };

/** What every service call gets: the database, who acts, and the time (never read from a global clock). */
export interface ServiceContext {
  db: Executor;
  actor: Actor;
  now: Date;
  pii: PiiProtector;
  /** Seals CMPP shared secrets (absent when SECRETS_KEY is not configured). */
  secrets?: SecretBox;
  /** argon2id cost for new bind-password hashes (PASSWORD_HASH_*); absent: Bun's defaults. */
  passwordHashing?: PasswordHashing;
}

export interface PasswordHashing {
  memoryCost: number;
  timeCost: number;
}

/** Long-lived dependencies built once by the composition root and handed to the API and SMPP sides. */
export interface AppDependencies {
  database: Database;
  pii: PiiProtector;
  secrets?: SecretBox;
  passwordHashing?: PasswordHashing;
  clock: () => Date;
  /** Extra readiness checks (registry snapshot freshness, journal backlog …). */
  readiness?: () => Promise<Record<string, { ok: boolean; detail?: string }>>;
}

export function isOperator(actor: Actor): boolean {
  return actor.type === "operator" || actor.type === "system";
}

/** The SP an actor is confined to, or undefined when it sees everything. */
export function spScope(actor: Actor): string | undefined {
  return actor.type === "sp" ? actor.spId : undefined;
}
