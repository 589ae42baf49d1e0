import { createContractBody } from "../../contracts/contracts.schemas.ts";
import { createContract } from "../../contracts/contracts.service.ts";
import { defineImportKind } from "./kind.ts";

/** CSV header: [spId,]enterpriseId,validFrom,validTo (spId is required for operators). */
export const contractsImport = defineImportKind({
  name: "contracts",
  rowSchema: createContractBody,
  importRow: (ctx, row) => createContract(ctx, row),
});
