CREATE TABLE "honeypots" (
	"id" uuid PRIMARY KEY NOT NULL,
	"recipient_hash" text NOT NULL,
	"recipient_mask" text NOT NULL,
	"note" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "honeypots_recipient_hash_unique" UNIQUE("recipient_hash")
);
--> statement-breakpoint
CREATE TABLE "subscriber_preferences" (
	"id" uuid PRIMARY KEY NOT NULL,
	"recipient_hash" text NOT NULL,
	"recipient_mask" text NOT NULL,
	"categories" text[] NOT NULL,
	"band_start" text,
	"band_end" text,
	"source" text NOT NULL,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscriber_preferences_recipient_hash_unique" UNIQUE("recipient_hash")
);
--> statement-breakpoint
CREATE TABLE "honeypot_hits" (
	"id" uuid PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"honeypot_hash" text NOT NULL,
	"sp_id" uuid,
	"account_id" uuid,
	"port_id" uuid,
	"source_addr" text,
	"signature_id" uuid,
	"signature_text" text,
	"enterprise_id" uuid,
	"refused" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "velocity_counters" (
	"window" text NOT NULL,
	"bucket" bigint NOT NULL,
	"recipient_hash" text NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "velocity_counters_window_bucket_recipient_hash_pk" PRIMARY KEY("window","bucket","recipient_hash")
);
--> statement-breakpoint
CREATE TABLE "velocity_enterprises" (
	"bucket" bigint NOT NULL,
	"recipient_hash" text NOT NULL,
	"enterprise_id" uuid NOT NULL,
	CONSTRAINT "velocity_enterprises_bucket_recipient_hash_enterprise_id_pk" PRIMARY KEY("bucket","recipient_hash","enterprise_id")
);
--> statement-breakpoint
CREATE INDEX "honeypot_hits_signature_at" ON "honeypot_hits" USING btree ("signature_id","at");--> statement-breakpoint
CREATE INDEX "honeypot_hits_at" ON "honeypot_hits" USING btree ("at");