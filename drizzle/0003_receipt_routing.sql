CREATE TABLE "ambiguous_receipts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"receipt_id" text NOT NULL,
	"candidates" text NOT NULL,
	"pdu" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "last_senders" (
	"recipient_hash" text NOT NULL,
	"port_id" uuid NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	CONSTRAINT "last_senders_recipient_hash_port_id_pk" PRIMARY KEY("recipient_hash","port_id")
);
--> statement-breakpoint
ALTER TABLE "message_routes" ADD COLUMN "canonical_id" text;--> statement-breakpoint
ALTER TABLE "message_routes" ADD COLUMN "sp_message_id" text;--> statement-breakpoint
CREATE INDEX "ambiguous_receipts_created" ON "ambiguous_receipts" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "last_senders_sent" ON "last_senders" USING btree ("sent_at");--> statement-breakpoint
CREATE INDEX "message_routes_canonical" ON "message_routes" USING btree ("canonical_id");--> statement-breakpoint
-- hand-written
-- Routes written before this migration stored the canonical form as their id: it is their alias key too.
UPDATE "message_routes" SET "canonical_id" = "smsc_message_id" WHERE "canonical_id" IS NULL;
