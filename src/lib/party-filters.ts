import { z } from "@hono/zod-openapi";

/** The four parties a journal, traffic or complaint list can be narrowed to, as optional query fields. */
export const partyFilters = {
  spId: z.uuid().optional(),
  portId: z.uuid().optional(),
  signatureId: z.uuid().optional(),
  enterpriseId: z.uuid().optional(),
};
