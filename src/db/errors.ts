/** PostgreSQL error helpers that work for both postgres.js and PGlite errors (both carry `code`). */
function pgCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export const isUniqueViolation = (error: unknown) => pgCode(error) === "23505";
export const isForeignKeyViolation = (error: unknown) => pgCode(error) === "23503";
/**
 * Input PostgreSQL cannot store or compare: a NUL character in text (22021 on PostgreSQL, 22P05
 * on some paths), malformed text representation (22P02), a string too long for the column (22001).
 * It comes from the client, so it is their 400, not our 500.
 */
export const isBadInputError = (error: unknown) => ["22021", "22P05", "22P02", "22001"].includes(pgCode(error) ?? "");

/** Escapes LIKE wildcards so a filter value matches literally. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}
