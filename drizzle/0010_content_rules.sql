CREATE TABLE "callback_numbers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"sp_id" uuid,
	"number" text NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"status_reason" text,
	"approved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "content_rules" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"category" text NOT NULL,
	"phrases" text[] DEFAULT '{}'::text[] NOT NULL,
	"pattern" text,
	"applies_to" text[] NOT NULL,
	"mode" text DEFAULT 'monitor' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "link_domains" (
	"id" uuid PRIMARY KEY NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"sp_id" uuid,
	"domain" text NOT NULL,
	"icp_number" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"status_reason" text,
	"approved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signature_templates" (
	"id" uuid PRIMARY KEY NOT NULL,
	"signature_id" uuid NOT NULL,
	"sp_id" uuid NOT NULL,
	"text" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"status_reason" text,
	"approved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "port_extensions" ADD COLUMN "categories" text[];--> statement-breakpoint
ALTER TABLE "ports" ADD COLUMN "categories" text[];--> statement-breakpoint
ALTER TABLE "signatures" ADD COLUMN "template_required" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "rejections" ADD COLUMN "detail" text;--> statement-breakpoint
ALTER TABLE "callback_numbers" ADD CONSTRAINT "callback_numbers_enterprise_id_enterprises_id_fk" FOREIGN KEY ("enterprise_id") REFERENCES "public"."enterprises"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callback_numbers" ADD CONSTRAINT "callback_numbers_sp_id_service_providers_id_fk" FOREIGN KEY ("sp_id") REFERENCES "public"."service_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "link_domains" ADD CONSTRAINT "link_domains_enterprise_id_enterprises_id_fk" FOREIGN KEY ("enterprise_id") REFERENCES "public"."enterprises"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "link_domains" ADD CONSTRAINT "link_domains_sp_id_service_providers_id_fk" FOREIGN KEY ("sp_id") REFERENCES "public"."service_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signature_templates" ADD CONSTRAINT "signature_templates_signature_id_signatures_id_fk" FOREIGN KEY ("signature_id") REFERENCES "public"."signatures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signature_templates" ADD CONSTRAINT "signature_templates_sp_id_service_providers_id_fk" FOREIGN KEY ("sp_id") REFERENCES "public"."service_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "callback_numbers_enterprise_number_live" ON "callback_numbers" USING btree ("enterprise_id","number") WHERE "callback_numbers"."status" <> 'revoked';--> statement-breakpoint
CREATE INDEX "callback_numbers_sp" ON "callback_numbers" USING btree ("sp_id");--> statement-breakpoint
CREATE UNIQUE INDEX "link_domains_enterprise_domain_live" ON "link_domains" USING btree ("enterprise_id","domain") WHERE "link_domains"."status" <> 'revoked';--> statement-breakpoint
CREATE INDEX "link_domains_sp" ON "link_domains" USING btree ("sp_id");--> statement-breakpoint
CREATE INDEX "link_domains_status" ON "link_domains" USING btree ("status");--> statement-breakpoint
CREATE INDEX "signature_templates_signature" ON "signature_templates" USING btree ("signature_id");--> statement-breakpoint
CREATE INDEX "signature_templates_sp" ON "signature_templates" USING btree ("sp_id");--> statement-breakpoint
CREATE INDEX "signature_templates_status" ON "signature_templates" USING btree ("status");