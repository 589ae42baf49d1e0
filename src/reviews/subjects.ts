import { eq } from "drizzle-orm";
import type { ServiceContext } from "../context.ts";
import { enterprises, ports, serviceProviders, signatures } from "../db/schema/index.ts";

/**
 * The registry names a review's scope or subject is shown by (the console's reviews pages, which
 * only operators and auditors see). Lookups by id or number; a missing row answers undefined.
 */
export async function serviceProviderName(ctx: ServiceContext, spId: string): Promise<string | undefined> {
  const [sp] = await ctx.db.select({ name: serviceProviders.name }).from(serviceProviders).where(eq(serviceProviders.id, spId));
  return sp?.name;
}

export async function portIdByNumber(ctx: ServiceContext, number: string): Promise<string | undefined> {
  const [port] = await ctx.db.select({ id: ports.id }).from(ports).where(eq(ports.number, number));
  return port?.id;
}

export async function portNumberById(ctx: ServiceContext, portId: string): Promise<string | undefined> {
  const [port] = await ctx.db.select({ number: ports.number }).from(ports).where(eq(ports.id, portId));
  return port?.number;
}

/** A signature's text in 【】 or an enterprise's name: what a review of it is titled after. */
export async function subjectLabel(ctx: ServiceContext, kind: "signature" | "enterprise", id: string): Promise<string | undefined> {
  const table = kind === "signature" ? signatures : enterprises;
  const [row] = await ctx.db.select().from(table).where(eq(table.id, id));
  return row ? ("text" in row ? `【${row.text}】` : row.name) : undefined;
}
