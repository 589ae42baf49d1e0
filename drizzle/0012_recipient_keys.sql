-- Custom migration (drizzle-kit generate --custom): the recipient sets' 64-bit keys, computed by
-- the database as each row is written, so that a full load reads 8 bytes a row and nothing else
-- (src/registry/keyed-sets.ts). The key is the recipient hash's first 16 hex digits as a 64-bit
-- integer, XORed with the enterprise UUID's last 8 bytes (none for an operator-wide set); the
-- snapshot computes the same in JavaScript (recipientEnterpriseKey, src/registry/key-set.ts). A
-- hash whose first 16 characters are not hex digits has no key, and its row is read row by row.
-- The columns are kept out of the Drizzle model, so that rows read through the ORM never carry them.
CREATE FUNCTION recipient_set_key(hash text, enterprise uuid) RETURNS bigint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE WHEN left(hash, 16) ~ '^[0-9a-fA-F]{16}$'
    THEN ('x' || left(hash, 16))::bit(64)::bigint # coalesce(('x' || encode(substr(uuid_send(enterprise), 9), 'hex'))::bit(64)::bigint, 0)
  END;
--> statement-breakpoint
-- Two enterprises never share their UUID's last 8 bytes: the keys would merge their recipients.
CREATE UNIQUE INDEX "enterprises_id_last8" ON "enterprises" (substr(uuid_send("id"), 9));
--> statement-breakpoint
ALTER TABLE "opt_outs" ADD COLUMN "recipient_key" bigint GENERATED ALWAYS AS (recipient_set_key("recipient_hash", "enterprise_id")) STORED;
--> statement-breakpoint
ALTER TABLE "consents" ADD COLUMN "recipient_key" bigint GENERATED ALWAYS AS (recipient_set_key("recipient_hash", "enterprise_id")) STORED;
--> statement-breakpoint
ALTER TABLE "do_not_disturb" ADD COLUMN "recipient_key" bigint GENERATED ALWAYS AS (recipient_set_key("recipient_hash", NULL)) STORED;
