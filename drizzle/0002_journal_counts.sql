CREATE TABLE "rejection_counts" (
	"day" date NOT NULL,
	"reason" text NOT NULL,
	"monitor" boolean NOT NULL,
	"sp_id" uuid,
	"account_id" uuid,
	"port_id" uuid,
	"signature_id" uuid,
	"enterprise_id" uuid,
	"remote_address" text,
	"count" bigint NOT NULL,
	CONSTRAINT "rejection_counts_key" UNIQUE NULLS NOT DISTINCT("day","reason","monitor","sp_id","account_id","port_id","signature_id","enterprise_id","remote_address")
);
--> statement-breakpoint
CREATE INDEX "rejection_counts_sp_day" ON "rejection_counts" USING btree ("sp_id","day");--> statement-breakpoint
CREATE INDEX "rejection_counts_port_day" ON "rejection_counts" USING btree ("port_id","day");--> statement-breakpoint
CREATE INDEX "rejection_counts_signature_day" ON "rejection_counts" USING btree ("signature_id","day");--> statement-breakpoint
CREATE INDEX "rejections_signature_at" ON "rejections" USING btree ("signature_id","at");--> statement-breakpoint
-- Hand-written below (drizzle-kit does not model triggers): rejection_counts follows every insert
-- into and delete from rejections, in the same statement's transaction. Statement-level triggers
-- with transition tables see only the rows actually written, so a replayed batch (ON CONFLICT DO
-- NOTHING) counts nothing twice. Keys are upserted in a fixed order so that two journal writers
-- touching the same counters cannot deadlock. China days use the fixed UTC+8 offset (no DST).
CREATE FUNCTION "rejection_counts_add"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "rejection_counts" AS c ("day", "reason", "monitor", "sp_id", "account_id", "port_id", "signature_id", "enterprise_id", "remote_address", "count")
  SELECT (("at" AT TIME ZONE 'UTC') + interval '480 minutes')::date AS d, "reason", "monitor", "sp_id", "account_id", "port_id", "signature_id", "enterprise_id", "remote_address", count(*)
  FROM "inserted_rows"
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
  ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9
  ON CONFLICT ON CONSTRAINT "rejection_counts_key" DO UPDATE SET "count" = c."count" + excluded."count";
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "rejection_counts_remove"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH gone AS (
    SELECT (("at" AT TIME ZONE 'UTC') + interval '480 minutes')::date AS d, "reason", "monitor", "sp_id", "account_id", "port_id", "signature_id", "enterprise_id", "remote_address", count(*) AS n
    FROM "deleted_rows"
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
  )
  UPDATE "rejection_counts" c SET "count" = c."count" - gone.n
  FROM gone
  WHERE c."day" = gone.d AND c."reason" = gone."reason" AND c."monitor" = gone."monitor"
    AND c."sp_id" IS NOT DISTINCT FROM gone."sp_id" AND c."account_id" IS NOT DISTINCT FROM gone."account_id"
    AND c."port_id" IS NOT DISTINCT FROM gone."port_id" AND c."signature_id" IS NOT DISTINCT FROM gone."signature_id"
    AND c."enterprise_id" IS NOT DISTINCT FROM gone."enterprise_id" AND c."remote_address" IS NOT DISTINCT FROM gone."remote_address";
  DELETE FROM "rejection_counts" WHERE "count" <= 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "rejections_counted" AFTER INSERT ON "rejections" REFERENCING NEW TABLE AS "inserted_rows" FOR EACH STATEMENT EXECUTE FUNCTION "rejection_counts_add"();
--> statement-breakpoint
CREATE TRIGGER "rejections_uncounted" AFTER DELETE ON "rejections" REFERENCING OLD TABLE AS "deleted_rows" FOR EACH STATEMENT EXECUTE FUNCTION "rejection_counts_remove"();
--> statement-breakpoint
INSERT INTO "rejection_counts" ("day", "reason", "monitor", "sp_id", "account_id", "port_id", "signature_id", "enterprise_id", "remote_address", "count")
SELECT (("at" AT TIME ZONE 'UTC') + interval '480 minutes')::date, "reason", "monitor", "sp_id", "account_id", "port_id", "signature_id", "enterprise_id", "remote_address", count(*)
FROM "rejections"
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
