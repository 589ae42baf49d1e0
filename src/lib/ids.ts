/** Time-ordered UUIDv7: ordering by id is ordering by creation, which makes cursor pagination stable. */
export function newId(): string {
  return Bun.randomUUIDv7();
}
