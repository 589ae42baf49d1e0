import { createRoute, z } from "@hono/zod-openapi";
import { operatorOnly } from "../auth.ts";
import { bearerSecurity, createRouter, serviceContext } from "../env.ts";
import { problemResponses } from "../openapi.ts";
import { decodeCursor, pageQuery, pageSchema, toPage } from "../../lib/pagination.ts";
import { complaintSchema, createComplaintBody, listComplaintsQuery } from "../../complaints/complaints.schemas.ts";
import { createComplaint, getComplaint, listComplaints } from "../../complaints/complaints.service.ts";

const tags = ["Complaints"];
const idParam = z.object({ id: z.uuid() });
const one = (description: string) => ({ description, content: { "application/json": { schema: complaintSchema } } });

export const complaintRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/complaints",
      tags,
      security: bearerSecurity,
      summary: "Take in one complaint (operator); attributed to port, SP, signature and enterprise at intake",
      description:
        "Unwanted-marketing complaints opt the recipient out of the attributed enterprise. Complaint-rate thresholds are evaluated afterwards (see /settings/reviews). Bulk: POST /imports/complaints.",
      middleware: [operatorOnly] as const,
      request: { body: { required: true, content: { "application/json": { schema: createComplaintBody } } } },
      responses: { 201: one("Recorded and attributed"), ...problemResponses },
    }),
    async (c) => c.json(await createComplaint(serviceContext(c), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/complaints",
      tags,
      security: bearerSecurity,
      summary: "List complaints (an SP sees those attributed to it; attribution=none lists the unmatched)",
      request: { query: pageQuery.extend(listComplaintsQuery.shape) },
      responses: { 200: { description: "A page", content: { "application/json": { schema: pageSchema(complaintSchema) } } }, ...problemResponses },
    }),
    async (c) => {
      const { limit, cursor, ...filter } = c.req.valid("query");
      const rows = await listComplaints(serviceContext(c), filter, { limit, after: decodeCursor(cursor) });
      return c.json(toPage(rows, limit, (row) => row.id), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/complaints/{id}",
      tags,
      security: bearerSecurity,
      request: { params: idParam },
      responses: { 200: one("The complaint"), ...problemResponses },
    }),
    async (c) => c.json(await getComplaint(serviceContext(c), c.req.valid("param").id), 200),
  );
