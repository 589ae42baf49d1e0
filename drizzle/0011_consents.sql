CREATE TABLE "consent_requests" (
	"id" uuid PRIMARY KEY NOT NULL,
	"recipient_hash" text NOT NULL,
	"recipient_mask" text NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"signature_id" uuid,
	"sent_at" timestamp with time zone NOT NULL,
	"answered" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consents" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"id" uuid NOT NULL,
	"kind" text NOT NULL,
	"grant_id" uuid,
	"recipient_hash" text NOT NULL,
	"recipient_mask" text NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"categories" text[] NOT NULL,
	"frequency" text,
	"period_days" integer,
	"consented_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"source" text,
	"evidence_ref" text,
	"cause" text,
	"reason" text,
	"recorded_at" timestamp with time zone NOT NULL,
	"recorded_by_type" text NOT NULL,
	"recorded_by_id" text,
	"sp_id" uuid,
	"withdrawn_at" timestamp with time zone,
	"pruned_at" timestamp with time zone,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "consents_id_unique" UNIQUE("id")
);
--> statement-breakpoint
ALTER TABLE "consent_requests" ADD CONSTRAINT "consent_requests_enterprise_id_enterprises_id_fk" FOREIGN KEY ("enterprise_id") REFERENCES "public"."enterprises"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_enterprise_id_enterprises_id_fk" FOREIGN KEY ("enterprise_id") REFERENCES "public"."enterprises"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_sp_id_service_providers_id_fk" FOREIGN KEY ("sp_id") REFERENCES "public"."service_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "consent_requests_recipient_enterprise" ON "consent_requests" USING btree ("recipient_hash","enterprise_id");--> statement-breakpoint
CREATE INDEX "consent_requests_sent" ON "consent_requests" USING btree ("sent_at");--> statement-breakpoint
CREATE INDEX "consents_recipient_enterprise" ON "consents" USING btree ("recipient_hash","enterprise_id");--> statement-breakpoint
CREATE INDEX "consents_enterprise" ON "consents" USING btree ("enterprise_id");--> statement-breakpoint
CREATE INDEX "consents_expires" ON "consents" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "consents_grant" ON "consents" USING btree ("grant_id");--> statement-breakpoint
CREATE INDEX "consents_sp" ON "consents" USING btree ("sp_id");