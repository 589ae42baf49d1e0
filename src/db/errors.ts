/** PostgreSQL error helpers that work for both postgres.js and PGlite errors (both carry `code`). */

/** An error and its causes (at most four deep), outermost first: drivers and Drizzle wrap each other's errors. */
function causeChain(error: unknown): object[] {
  const chain: object[] = [];
  for (let current: unknown = error; chain.length < 4 && current; current = (current as { cause?: unknown }).cause) chain.push(current);
  return chain;
}

/** The string `code`s along an error and its causes, outermost first. */
export function codesOf(error: unknown): string[] {
  return causeChain(error)
    .map((each) => (each as { code?: unknown }).code)
    .filter((code): code is string => typeof code === "string");
}

/** The first SQLSTATE along the chain. */
function pgCode(error: unknown): string | undefined {
  return codesOf(error).find((code) => /^[0-9A-Z]{5}$/.test(code));
}

export const isUniqueViolation = (error: unknown) => pgCode(error) === "23505";

/** The constraint or index a violation names (postgres.js: `constraint_name`; PGlite: `constraint`), along the cause chain. */
export function violatedConstraint(error: unknown): string | undefined {
  for (const each of causeChain(error)) {
    const { constraint_name: name, constraint } = each as { constraint_name?: unknown; constraint?: unknown };
    if (typeof name === "string") return name;
    if (typeof constraint === "string") return constraint;
  }
  return undefined;
}
/**
 * Input PostgreSQL cannot store or compare: a NUL character in text (22021 on PostgreSQL, 22P05
 * on some paths), malformed text representation (22P02), a string too long for the column (22001).
 * It comes from the client, so it is their 400, not our 500.
 */
export const isBadInputError = (error: unknown) => ["22021", "22P05", "22P02", "22001"].includes(pgCode(error) ?? "");

/**
 * A date, time or number PostgreSQL cannot represent (22008 datetime field overflow, 22007 bad
 * datetime format, 22009 bad time zone offset, 22003 numeric out of range), or a JavaScript Date that is not a valid time: the
 * client sent an out-of-range value, so it is their 422.
 */
export const isOutOfRangeError = (error: unknown) =>
  ["22008", "22007", "22009", "22003"].includes(pgCode(error) ?? "") || (error instanceof RangeError && /invalid time value/i.test(error.message));

/** postgres.js's own codes for a connection it lost or could not make, and the socket's. */
const CONNECTION_CODES = new Set(["CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "CONNECT_TIMEOUT", "ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND"]);

/**
 * The database cannot be reached right now: a connection refused, lost or timed out, the server
 * shutting down or starting (57P01–57P03), a connection exception (class 08), no connection slot
 * left (53300), or the PGlite thread stopped. Not the request's fault and not a bug: the API
 * answers 503, and the client may try again.
 */
export function isUnavailableError(error: unknown): boolean {
  if (codesOf(error).some((code) => CONNECTION_CODES.has(code))) return true;
  const sqlState = pgCode(error) ?? "";
  return sqlState.startsWith("08") || ["57P01", "57P02", "57P03", "53300"].includes(sqlState);
}

/** Escapes LIKE wildcards so a filter value matches literally. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}
