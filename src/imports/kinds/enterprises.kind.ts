import { createEnterpriseBody } from "../../enterprises/enterprises.schemas.ts";
import { createEnterprise } from "../../enterprises/enterprises.service.ts";
import { defineImportKind } from "./kind.ts";

/** CSV header: name,uscc[,contactName][,contactPhone][,status] */
export const enterprisesImport = defineImportKind({
  name: "enterprises",
  rowSchema: createEnterpriseBody,
  importRow: (ctx, row) => createEnterprise(ctx, row),
});
