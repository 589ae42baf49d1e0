-- The rejections journal becomes a table range-partitioned by month on "at", so retention drops
-- whole partitions instead of deleting rows. drizzle-kit cannot declare partitioned tables, so this
-- migration converts the table 0000 created, keeping its column order, defaults, id sequence,
-- constraint and index names (the snapshot still describes it exactly). Its primary key (at, id)
-- and unique index (event_id, at) already include the partition key, as PostgreSQL requires.
-- Rows land in the DEFAULT partition until src/journal/partitions.ts ensurePartitions() creates
-- the monthly ones (rejections_pYYYYMM, UTC months), moving any rows of that month out of DEFAULT.
ALTER TABLE "rejections" RENAME TO "rejections_unpartitioned";--> statement-breakpoint
ALTER TABLE "rejections_unpartitioned" RENAME CONSTRAINT "rejections_at_id_pk" TO "rejections_unpartitioned_pk";--> statement-breakpoint
ALTER INDEX "rejections_event" RENAME TO "rejections_unpartitioned_event";--> statement-breakpoint
ALTER INDEX "rejections_sp_at" RENAME TO "rejections_unpartitioned_sp_at";--> statement-breakpoint
ALTER INDEX "rejections_reason_at" RENAME TO "rejections_unpartitioned_reason_at";--> statement-breakpoint
ALTER INDEX "rejections_port_at" RENAME TO "rejections_unpartitioned_port_at";--> statement-breakpoint
ALTER INDEX "rejections_recipient_at" RENAME TO "rejections_unpartitioned_recipient_at";--> statement-breakpoint
CREATE TABLE "rejections" (LIKE "rejections_unpartitioned" INCLUDING DEFAULTS) PARTITION BY RANGE ("at");--> statement-breakpoint
-- The bigserial's sequence moves to the new table before the old one (its owner) is dropped.
ALTER SEQUENCE "rejections_id_seq" OWNED BY "rejections"."id";--> statement-breakpoint
ALTER TABLE "rejections" ADD CONSTRAINT "rejections_at_id_pk" PRIMARY KEY ("at", "id");--> statement-breakpoint
CREATE UNIQUE INDEX "rejections_event" ON "rejections" USING btree ("event_id", "at");--> statement-breakpoint
CREATE INDEX "rejections_sp_at" ON "rejections" USING btree ("sp_id", "at");--> statement-breakpoint
CREATE INDEX "rejections_reason_at" ON "rejections" USING btree ("reason", "at");--> statement-breakpoint
CREATE INDEX "rejections_port_at" ON "rejections" USING btree ("port_id", "at");--> statement-breakpoint
CREATE INDEX "rejections_recipient_at" ON "rejections" USING btree ("recipient_hash", "at");--> statement-breakpoint
CREATE TABLE "rejections_default" PARTITION OF "rejections" DEFAULT;--> statement-breakpoint
INSERT INTO "rejections" SELECT * FROM "rejections_unpartitioned";--> statement-breakpoint
DROP TABLE "rejections_unpartitioned";
