import { bindAccountKinds, bindAccountStatuses, categories } from "../db/schema/index.ts";
import { z } from "@hono/zod-openapi";
import { parseCidrDetailed } from "../lib/cidr.ts";

export const accountStatus = z.enum(bindAccountStatuses);
export const accountKind = z.enum(bindAccountKinds).openapi({
  description: "`sp`: an SP's own bind. `gateway` (operator only): a trusted ISMG carrying many SPs' traffic; each message belongs to its source port's owner",
});
export const messageCategory = z.enum(categories);

/** SMPP 3.4 system_id: a C-Octet String of at most 16 octets with its NUL, so 15 characters. */
export const systemId = z
  .string()
  .regex(/^[\x21-\x7e]{1,15}$/, "must be 1 to 15 printable ASCII characters without spaces (SMPP system_id)")
  .openapi({ example: "sp0001" });

/** SMPP 3.4 password: at most 9 octets with its NUL, so 8 characters; we ask for at least 6. Write-only. */
export const bindPassword = z
  .string()
  .min(6, "must be at least 6 characters")
  .max(8, "must be at most 8 characters (the SMPP 3.4 password limit)")
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces")
  .openapi({ description: "Write-only: stored as an argon2id hash, never returned", example: "s3cr3t!x" });

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
    password: bindPassword,
    allowedIps: allowedIps.optional(),
    maxBinds: maxBinds.optional(),
    maxSubmitsPerSecond: maxSubmitsPerSecond.optional(),
    defaultCategory: messageCategory.optional(),
    status: accountStatus.optional(),
  })
  .strict();

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
