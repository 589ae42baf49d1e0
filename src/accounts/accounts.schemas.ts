import { bindAccountKinds, bindAccountProtocols, bindAccountStatuses, categories } from "../db/schema/index.ts";
import { z } from "@hono/zod-openapi";
import { parseCidrDetailed } from "../lib/cidr.ts";

export const accountStatus = z.enum(bindAccountStatuses);
export const accountKind = z.enum(bindAccountKinds).openapi({
  description: "`sp`: an SP's own bind. `gateway` (operator only): a trusted ISMG carrying many SPs' traffic; each message belongs to its source port's owner",
});
export const messageCategory = z.enum(categories);
export const accountProtocol = z.enum(bindAccountProtocols).openapi({ description: "smpp (default): bind with system_id + password; cmpp: CONNECT with the SP code + shared secret" });

/** SMPP 3.4 system_id: a C-Octet String of at most 16 octets with its NUL, so 15 characters. */
export const systemId = z
  .string()
  .regex(/^[\x21-\x7e]{1,15}$/, "must be 1 to 15 printable ASCII characters without spaces (SMPP system_id)")
  .openapi({ example: "sp0001" });

/**
 * SMPP 3.4 password: at most 9 octets with its NUL, so 8 characters; we ask for at least 6. A CMPP
 * shared secret has no length in the specification: we take 6 to 32 (SMPP_PASSWORD_MAX is checked
 * per protocol). Write-only.
 */
export const SMPP_PASSWORD_MAX = 8;
export const bindPassword = z
  .string()
  .min(6, "must be at least 6 characters")
  .max(32, "must be at most 32 characters (8 for an SMPP account)")
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces")
  .openapi({ description: "Write-only. SMPP: the bind password (at most 8 characters), kept as an argon2id hash. CMPP: the shared secret, kept sealed (AES-256-GCM under SECRETS_KEY). Never returned", example: "s3cr3t!x" });

/** A CMPP Source_Addr: the SP's 6-character code (企业代码), digits or letters. */
const CMPP_SP_CODE = /^[0-9A-Za-z]{6}$/;

export const allowedIp = z
  .string()
  .trim()
  .toLowerCase()
  .superRefine((value, ctx) => {
    const result = parseCidrDetailed(value);
    if (!result.ok) ctx.addIssue({ code: "custom", message: `must be an IPv4/IPv6 address or CIDR block: ${result.reason}` });
  })
  .openapi({ example: "203.0.113.0/24" });

const allowedIps = z.array(allowedIp).max(100).openapi({ description: "Addresses or CIDR blocks the account may bind from; empty = any" });
const maxBinds = z.number().int().min(1).max(100);
const maxSubmitsPerSecond = z.number().int().min(1).max(10_000);

export const accountSchema = z
  .object({
    id: z.uuid(),
    kind: accountKind,
    spId: z.uuid().nullable().openapi({ description: "null for a gateway account" }),
    carriedSpIds: z.array(z.uuid()).openapi({ description: "Gateway accounts: the SPs whose ports it may carry (empty = every SP)" }),
    systemId: z.string(),
    protocol: accountProtocol,
    allowedIps: z.array(z.string()),
    maxBinds: z.number().int(),
    maxSubmitsPerSecond: z.number().int(),
    defaultCategory: messageCategory,
    status: accountStatus,
    createdAt: z.date().or(z.string()),
    updatedAt: z.date().or(z.string()),
  })
  .openapi("BindAccount");

const carriedSpIds = z.array(z.uuid()).max(1000).openapi({ description: "Gateway accounts only: SPs whose ports it may carry; empty = every SP" });

export const createAccountBody = z
  .object({
    kind: accountKind.optional().openapi({ description: "Default `sp`. A `gateway` account has no spId and needs a non-empty allowedIps" }),
    spId: z.uuid().optional().openapi({ description: "Required for an `sp` account; absent for a `gateway` account" }),
    carriedSpIds: carriedSpIds.optional(),
    systemId,
    protocol: accountProtocol.optional(),
    password: bindPassword,
    allowedIps: allowedIps.optional(),
    maxBinds: maxBinds.optional(),
    maxSubmitsPerSecond: maxSubmitsPerSecond.optional(),
    defaultCategory: messageCategory.optional(),
    status: accountStatus.optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.protocol === "cmpp") {
      // The ISMG position (a trusted gateway bind) is an SMPP bind; a CMPP account is one SP's.
      if (body.kind === "gateway") ctx.addIssue({ code: "custom", path: ["protocol"], message: "a gateway account binds over SMPP; CMPP accounts belong to one SP" });
      if (!CMPP_SP_CODE.test(body.systemId)) ctx.addIssue({ code: "custom", path: ["systemId"], message: "a CMPP account's systemId is the SP code: 6 letters or digits" });
    } else if (body.password.length > SMPP_PASSWORD_MAX) {
      ctx.addIssue({ code: "custom", path: ["password"], message: "must be at most 8 characters (the SMPP 3.4 password limit)" });
    }
  });

export const updateAccountBody = z
  .object({
    allowedIps: allowedIps.optional(),
    carriedSpIds: carriedSpIds.optional(),
    maxBinds: maxBinds.optional(),
    maxSubmitsPerSecond: maxSubmitsPerSecond.optional(),
    defaultCategory: messageCategory.optional(),
    status: accountStatus.optional(),
    reason: z.string().trim().max(500).optional(),
  })
  .strict();

export const rotatePasswordBody = z.object({ password: bindPassword, reason: z.string().trim().max(500).optional() }).strict();

export const listAccountsQuery = z.object({
  spId: z.uuid().optional(),
  kind: accountKind.optional(),
  status: accountStatus.optional(),
  systemId: z.string().max(15).optional().openapi({ description: "Exact system_id" }),
});

export type CreateAccountInput = z.infer<typeof createAccountBody>;
export type UpdateAccountInput = z.infer<typeof updateAccountBody>;
export type RotatePasswordInput = z.infer<typeof rotatePasswordBody>;
export type ListAccountsFilter = z.infer<typeof listAccountsQuery>;
