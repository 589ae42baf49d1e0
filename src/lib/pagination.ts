import { z } from "@hono/zod-openapi";
import { ServiceError } from "./errors.ts";

/** Cursor pagination in creation order (ids are UUIDv7). The cursor is opaque to clients. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50).openapi({ description: "Page size (1–500)" }),
  cursor: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: "The nextCursor of the previous page" }),
});

export function encodeCursor(value: string): string {
  return Buffer.from(value, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  const decoded = Buffer.from(cursor, "base64url").toString("utf8");
  if (!/^[0-9a-zA-Z:._-]{1,120}$/.test(decoded)) throw new ServiceError("BAD_REQUEST", "cursor is not valid");
  return decoded;
}

/** Services fetch limit + 1 rows; this trims the extra one and makes the cursor from the last kept row. */
export function toPage<T>(rows: T[], limit: number, key: (row: T) => string) {
  const items = rows.slice(0, limit);
  const nextCursor = rows.length > limit && items.length > 0 ? encodeCursor(key(items[items.length - 1]!)) : null;
  return { items, nextCursor };
}

export function pageSchema<T extends z.ZodTypeAny>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/**
 * A list route's work: the page fields taken off the query, the service called with the filters
 * that remain and the decoded cursor, and the page built from what it returns.
 */
export async function pageOf<Q extends { limit: number; cursor?: string }, T extends { id: string }>(
  query: Q,
  list: (filter: Omit<Q, "limit" | "cursor">, page: { limit: number; after?: string }) => Promise<T[]>,
) {
  const { limit, cursor, ...filter } = query;
  return toPage(await list(filter, { limit, after: decodeCursor(cursor) }), limit, (row) => row.id);
}
