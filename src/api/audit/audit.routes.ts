import { bearerSecurity, createRoute, createRouter, decodeCursor, jsonResponse, pageQuery, pageSchema, problemResponses, serviceContext, staffOnly, toPage } from "../route-kit.ts";
import { z } from "@hono/zod-openapi";
import { apiInstant } from "../../lib/input-dates.ts";
import { ServiceError } from "../../lib/errors.ts";
import { listAuditEntries, verifyAuditChain } from "../../audit/audit.service.ts";

const tags = ["Audit"];
const instant = apiInstant();

const auditQuery = z.object({
  objectType: z.string().max(100).optional().openapi({ example: "signature" }),
  objectId: z.string().max(100).optional(),
  action: z.string().max(100).optional().openapi({ example: "signature.approve" }),
  actor: z.string().max(100).optional().openapi({ description: "The acting token's id" }),
  actorType: z.enum(["operator", "auditor", "sp", "system"]).optional(),
  from: instant.optional().openapi({ description: "At or after this instant" }),
  to: instant.optional().openapi({ description: "Before this instant" }),
  order: z.enum(["asc", "desc"]).default("asc"),
});

const auditEntrySchema = z
  .object({
    seq: z.number().int(),
    at: z.date().or(z.string()),
    actorType: z.string(),
    actorId: z.string().nullable(),
    actorSpId: z.string().nullable(),
    action: z.string(),
    objectType: z.string(),
    objectId: z.string(),
    objectSpId: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    reason: z.string().nullable(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .openapi("AuditEntry");

const verificationSchema = z
  .object({ ok: z.boolean(), checked: z.number().int(), firstBrokenSeq: z.number().int().nullable(), problem: z.string().nullable() })
  .openapi("AuditVerification");

function seqCursor(cursor: string | undefined): number | undefined {
  const decoded = decodeCursor(cursor);
  if (decoded === undefined) return undefined;
  if (!/^\d{1,15}$/.test(decoded)) throw new ServiceError("BAD_REQUEST", "cursor is not valid");
  return Number(decoded);
}

export const auditRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/audit",
      tags,
      security: bearerSecurity,
      summary: "Read the audit trail (an SP sees rows about its own objects)",
      request: { query: pageQuery.extend(auditQuery.shape) },
      responses: { 200: jsonResponse("A page, by seq", pageSchema(auditEntrySchema)), ...problemResponses },
    }),
    async (c) => {
      const { limit, cursor, from, to, ...filter } = c.req.valid("query");
      const rows = await listAuditEntries(
        serviceContext(c),
        { ...filter, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined },
        { limit, after: seqCursor(cursor) },
      );
      return c.json(toPage(rows, limit, (row) => String(row.seq)), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/audit/verify",
      tags,
      security: bearerSecurity,
      summary: "Walk the hash chain and name the first row that does not hold (operator, auditor)",
      middleware: [staffOnly] as const,
      responses: { 200: jsonResponse("The verification", verificationSchema), ...problemResponses },
    }),
    async (c) => c.json(await verifyAuditChain(serviceContext(c).db), 200),
  );
