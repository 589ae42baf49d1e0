/**
 * The registry change feed: what an admin change tells every proxy (PostgreSQL NOTIFY on
 * `registry_changed`, delivered at commit). One typed union, encoded by every writer
 * (notifyRegistryChange) and parsed by the loader (src/registry/loader.ts applyChange).
 *
 * Wire form (the NOTIFY payload): `table` (reload the whole table), `table:id` (reload one row), and
 * for removals that leave no row behind `opt_outs:-<recipientHash>:<enterpriseId>` and
 * `do_not_disturb:-<recipientHash>` (likewise `subscriber_preferences:-…` and `honeypots:-…`). A bulk consent import names its id range, `consents:<fromId>..<toId>`.
 */

export const registryTables = [
  "service_providers",
  "enterprises",
  "contracts",
  "ports",
  "port_extensions",
  "bind_accounts",
  "signatures",
  "opt_outs",
  "do_not_disturb",
  "consents",
  "consent_requests",
  "settings",
  "subscriber_preferences",
  "honeypots",
  "link_domains",
  "callback_numbers",
  "content_rules",
  "signature_templates",
] as const;

/** Tables the proxies' snapshot mirrors. */
export type RegistryTable = (typeof registryTables)[number];

export type RegistryChange =
  /** The whole table changed (or the writer cannot name the rows): reload it. */
  | { table: RegistryTable; id?: undefined; removed?: undefined; range?: undefined }
  /** One row was written (or deleted): read it again by id. */
  | { table: Exclude<RegistryTable, "settings">; id: string; removed?: undefined; range?: undefined }
  /** A bulk import added consents with ids from..to (UUIDv7, so one import batch is one range). */
  | { table: "consents"; range: { from: string; to: string }; id?: undefined; removed?: undefined }
  | { table: "opt_outs"; removed: { recipientHash: string; enterpriseId: string }; id?: undefined; range?: undefined }
  | { table: "do_not_disturb" | "subscriber_preferences" | "honeypots"; removed: { recipientHash: string }; id?: undefined; range?: undefined };

/** Tables whose removal names only the recipient hash. */
const HASH_REMOVALS: readonly RegistryTable[] = ["do_not_disturb", "subscriber_preferences", "honeypots"];

export function encodeChange(change: RegistryChange): string {
  if (change.range) return `consents:${change.range.from}..${change.range.to}`;
  if (change.removed) {
    return change.table === "opt_outs"
      ? `opt_outs:-${change.removed.recipientHash}:${(change.removed as { enterpriseId: string }).enterpriseId}`
      : `${change.table}:-${change.removed.recipientHash}`;
  }
  return change.id === undefined ? change.table : `${change.table}:${change.id}`;
}

export type ParsedChange = { ok: true; change: RegistryChange } | { ok: false; error: string };

/** Every registry table's key is a UUID (src/db/schema/columns.ts); recipient hashes are hex HMACs (src/lib/pii.ts). */
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HASH = /^[0-9A-Za-z]{1,128}$/;
const isTable = (value: string): value is RegistryTable => (registryTables as readonly string[]).includes(value);

/** Parses a payload; anything not written by encodeChange is `{ ok: false }` with the reason, never a throw. */
export function parseChange(payload: string): ParsedChange {
  const colon = payload.indexOf(":");
  const table = colon < 0 ? payload : payload.slice(0, colon);
  if (!isTable(table)) return { ok: false, error: "unknown table" };
  if (colon < 0) return { ok: true, change: { table } };
  const key = payload.slice(colon + 1);
  if (key.startsWith("-")) {
    if (table === "opt_outs") {
      const parts = key.slice(1).split(":");
      if (parts.length === 2 && HASH.test(parts[0]!) && ID.test(parts[1]!)) {
        return { ok: true, change: { table, removed: { recipientHash: parts[0]!, enterpriseId: parts[1]! } } };
      }
      return { ok: false, error: "malformed opt-out removal" };
    }
    if (HASH_REMOVALS.includes(table)) {
      const hash = key.slice(1);
      return HASH.test(hash)
        ? { ok: true, change: { table: table as "do_not_disturb", removed: { recipientHash: hash } } }
        : { ok: false, error: `malformed ${table} removal` };
    }
    return { ok: false, error: "a removal form on a table that has none" };
  }
  if (table === "settings") return { ok: false, error: "settings take no id" };
  const range = key.split("..");
  if (table === "consents" && range.length === 2) {
    return ID.test(range[0]!) && ID.test(range[1]!) ? { ok: true, change: { table, range: { from: range[0]!, to: range[1]! } } } : { ok: false, error: "malformed consent range" };
  }
  if (!ID.test(key)) return { ok: false, error: "malformed id" };
  return { ok: true, change: { table, id: key } };
}
