CREATE TABLE "bind_accounts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"sp_id" uuid NOT NULL,
	"system_id" text NOT NULL,
	"password_hash" text NOT NULL,
	"allowed_ips" text[] DEFAULT '{}'::text[] NOT NULL,
	"max_binds" integer DEFAULT 4 NOT NULL,
	"max_submits_per_second" integer DEFAULT 100 NOT NULL,
	"default_category" text DEFAULT 'notification' NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bind_accounts_system_id_unique" UNIQUE("system_id")
);
--> statement-breakpoint
CREATE TABLE "contracts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"sp_id" uuid NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "do_not_disturb" (
	"id" uuid PRIMARY KEY NOT NULL,
	"recipient_hash" text NOT NULL,
	"recipient_mask" text NOT NULL,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "do_not_disturb_recipient_hash_unique" UNIQUE("recipient_hash")
);
--> statement-breakpoint
CREATE TABLE "enterprises" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"uscc" text NOT NULL,
	"contact_name" text,
	"contact_phone" text,
	"status" text DEFAULT 'active' NOT NULL,
	"filed_by_sp_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "enterprises_uscc_unique" UNIQUE("uscc")
);
--> statement-breakpoint
CREATE TABLE "opt_outs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"recipient_hash" text NOT NULL,
	"recipient_mask" text NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"source" text NOT NULL,
	"signature_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "port_extensions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"port_id" uuid NOT NULL,
	"extension" text NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"sp_id" uuid NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"status_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ports_number_unique" UNIQUE("number")
);
--> statement-breakpoint
CREATE TABLE "service_providers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"licence_number" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "service_providers_licence_number_unique" UNIQUE("licence_number")
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signature_ports" (
	"signature_id" uuid NOT NULL,
	"port_id" uuid NOT NULL,
	"extension" text DEFAULT '' NOT NULL,
	CONSTRAINT "signature_ports_signature_id_port_id_extension_pk" PRIMARY KEY("signature_id","port_id","extension")
);
--> statement-breakpoint
CREATE TABLE "signatures" (
	"id" uuid PRIMARY KEY NOT NULL,
	"text" text NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"sp_id" uuid NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"status_reason" text,
	"scope" text[] NOT NULL,
	"evidence_kind" text,
	"evidence_reference" text,
	"evidence_expires_on" date,
	"expires_at" timestamp with time zone,
	"approved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "signatures_text_unique" UNIQUE("text")
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"role" text NOT NULL,
	"sp_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"actor_sp_id" uuid,
	"action" text NOT NULL,
	"object_type" text NOT NULL,
	"object_id" text NOT NULL,
	"object_sp_id" uuid,
	"before" jsonb,
	"after" jsonb,
	"reason" text,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_rows" (
	"import_id" uuid NOT NULL,
	"row_number" integer NOT NULL,
	"status" text NOT NULL,
	"object_id" uuid,
	"code" text,
	"detail" text
);
--> statement-breakpoint
CREATE TABLE "imports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"sp_id" uuid,
	"actor_id" text,
	"status" text NOT NULL,
	"total_rows" integer DEFAULT 0 NOT NULL,
	"accepted_rows" integer DEFAULT 0 NOT NULL,
	"refused_rows" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "journal_batches" (
	"batch_id" text PRIMARY KEY NOT NULL,
	"applied_at" timestamp with time zone NOT NULL,
	"rows" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "message_routes" (
	"smsc_message_id" text PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"sp_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pending_deliveries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" uuid,
	"sp_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"pdu" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rejections" (
	"id" bigserial NOT NULL,
	"event_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"reason" text NOT NULL,
	"monitor" boolean DEFAULT false NOT NULL,
	"command" text NOT NULL,
	"sp_id" uuid,
	"account_id" uuid,
	"port_id" uuid,
	"source_addr" text,
	"signature_id" uuid,
	"signature_text" text,
	"enterprise_id" uuid,
	"category" text,
	"recipient_hash" text,
	"recipient_mask" text,
	"text" text,
	"remote_address" text,
	CONSTRAINT "rejections_at_id_pk" PRIMARY KEY("at","id")
);
--> statement-breakpoint
CREATE TABLE "traffic_daily" (
	"day" date NOT NULL,
	"sp_id" uuid NOT NULL,
	"port_id" uuid NOT NULL,
	"signature_id" uuid NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"category" text NOT NULL,
	"accepted" bigint DEFAULT 0 NOT NULL,
	"refused" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "traffic_daily_day_sp_id_port_id_signature_id_category_pk" PRIMARY KEY("day","sp_id","port_id","signature_id","category")
);
--> statement-breakpoint
CREATE TABLE "complaints" (
	"id" uuid PRIMARY KEY NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"channel" text NOT NULL,
	"type" text NOT NULL,
	"sending_number" text NOT NULL,
	"recipient_hash" text NOT NULL,
	"recipient_mask" text NOT NULL,
	"text" text NOT NULL,
	"port_id" uuid,
	"extension" text,
	"sp_id" uuid,
	"extension_enterprise_id" uuid,
	"signature_id" uuid,
	"signature_text" text,
	"enterprise_id" uuid,
	"confidence" text NOT NULL,
	"reasons" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"matched_rejections" integer DEFAULT 0 NOT NULL,
	"matched_accepted" integer DEFAULT 0 NOT NULL,
	"opt_out_id" uuid,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_findings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"review_id" uuid NOT NULL,
	"type" text NOT NULL,
	"severity" text NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" text NOT NULL,
	"subject_label" text,
	"sp_id" uuid,
	"evidence" jsonb NOT NULL,
	"recommended_action" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"decision" text,
	"decision_reason" text,
	"due_date" date,
	"decided_at" timestamp with time zone,
	"decided_by" text,
	"reopened_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_schedules" (
	"id" uuid PRIMARY KEY NOT NULL,
	"cadence" text NOT NULL,
	"scope_sp_id" uuid,
	"scope_port_prefix" text,
	"next_run_at" timestamp with time zone NOT NULL,
	"last_run_at" timestamp with time zone,
	"status" text DEFAULT 'active' NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reviews" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"title" text NOT NULL,
	"scope_sp_id" uuid,
	"scope_port_prefix" text,
	"period_from" timestamp with time zone,
	"period_to" timestamp with time zone,
	"schedule_id" uuid,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	"closed_by" text
);
--> statement-breakpoint
ALTER TABLE "bind_accounts" ADD CONSTRAINT "bind_accounts_sp_id_service_providers_id_fk" FOREIGN KEY ("sp_id") REFERENCES "public"."service_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_sp_id_service_providers_id_fk" FOREIGN KEY ("sp_id") REFERENCES "public"."service_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_enterprise_id_enterprises_id_fk" FOREIGN KEY ("enterprise_id") REFERENCES "public"."enterprises"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enterprises" ADD CONSTRAINT "enterprises_filed_by_sp_id_service_providers_id_fk" FOREIGN KEY ("filed_by_sp_id") REFERENCES "public"."service_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opt_outs" ADD CONSTRAINT "opt_outs_enterprise_id_enterprises_id_fk" FOREIGN KEY ("enterprise_id") REFERENCES "public"."enterprises"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opt_outs" ADD CONSTRAINT "opt_outs_signature_id_signatures_id_fk" FOREIGN KEY ("signature_id") REFERENCES "public"."signatures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "port_extensions" ADD CONSTRAINT "port_extensions_port_id_ports_id_fk" FOREIGN KEY ("port_id") REFERENCES "public"."ports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "port_extensions" ADD CONSTRAINT "port_extensions_enterprise_id_enterprises_id_fk" FOREIGN KEY ("enterprise_id") REFERENCES "public"."enterprises"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ports" ADD CONSTRAINT "ports_sp_id_service_providers_id_fk" FOREIGN KEY ("sp_id") REFERENCES "public"."service_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signature_ports" ADD CONSTRAINT "signature_ports_signature_id_signatures_id_fk" FOREIGN KEY ("signature_id") REFERENCES "public"."signatures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signature_ports" ADD CONSTRAINT "signature_ports_port_id_ports_id_fk" FOREIGN KEY ("port_id") REFERENCES "public"."ports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signatures" ADD CONSTRAINT "signatures_enterprise_id_enterprises_id_fk" FOREIGN KEY ("enterprise_id") REFERENCES "public"."enterprises"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signatures" ADD CONSTRAINT "signatures_sp_id_service_providers_id_fk" FOREIGN KEY ("sp_id") REFERENCES "public"."service_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_sp_id_service_providers_id_fk" FOREIGN KEY ("sp_id") REFERENCES "public"."service_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_rows" ADD CONSTRAINT "import_rows_import_id_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."imports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "imports" ADD CONSTRAINT "imports_sp_id_service_providers_id_fk" FOREIGN KEY ("sp_id") REFERENCES "public"."service_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_findings" ADD CONSTRAINT "review_findings_review_id_reviews_id_fk" FOREIGN KEY ("review_id") REFERENCES "public"."reviews"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bind_accounts_sp" ON "bind_accounts" USING btree ("sp_id");--> statement-breakpoint
CREATE INDEX "contracts_sp_enterprise" ON "contracts" USING btree ("sp_id","enterprise_id");--> statement-breakpoint
CREATE UNIQUE INDEX "opt_outs_recipient_enterprise" ON "opt_outs" USING btree ("recipient_hash","enterprise_id");--> statement-breakpoint
CREATE INDEX "opt_outs_enterprise" ON "opt_outs" USING btree ("enterprise_id");--> statement-breakpoint
CREATE UNIQUE INDEX "port_extensions_port_extension" ON "port_extensions" USING btree ("port_id","extension");--> statement-breakpoint
CREATE INDEX "ports_sp" ON "ports" USING btree ("sp_id");--> statement-breakpoint
CREATE INDEX "signature_ports_port" ON "signature_ports" USING btree ("port_id");--> statement-breakpoint
CREATE INDEX "signatures_enterprise" ON "signatures" USING btree ("enterprise_id");--> statement-breakpoint
CREATE INDEX "signatures_sp" ON "signatures" USING btree ("sp_id");--> statement-breakpoint
CREATE INDEX "audit_object" ON "audit_log" USING btree ("object_type","object_id");--> statement-breakpoint
CREATE INDEX "audit_object_sp" ON "audit_log" USING btree ("object_sp_id");--> statement-breakpoint
CREATE INDEX "import_rows_import" ON "import_rows" USING btree ("import_id","row_number");--> statement-breakpoint
CREATE INDEX "message_routes_created" ON "message_routes" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "pending_deliveries_sp" ON "pending_deliveries" USING btree ("sp_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "rejections_event" ON "rejections" USING btree ("event_id","at");--> statement-breakpoint
CREATE INDEX "rejections_sp_at" ON "rejections" USING btree ("sp_id","at");--> statement-breakpoint
CREATE INDEX "rejections_reason_at" ON "rejections" USING btree ("reason","at");--> statement-breakpoint
CREATE INDEX "rejections_port_at" ON "rejections" USING btree ("port_id","at");--> statement-breakpoint
CREATE INDEX "rejections_recipient_at" ON "rejections" USING btree ("recipient_hash","at");--> statement-breakpoint
CREATE INDEX "complaints_received" ON "complaints" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "complaints_sp_received" ON "complaints" USING btree ("sp_id","received_at");--> statement-breakpoint
CREATE INDEX "complaints_signature_received" ON "complaints" USING btree ("signature_id","received_at");--> statement-breakpoint
CREATE INDEX "complaints_port_received" ON "complaints" USING btree ("port_id","received_at");--> statement-breakpoint
CREATE INDEX "complaints_confidence" ON "complaints" USING btree ("confidence");--> statement-breakpoint
CREATE INDEX "review_findings_review" ON "review_findings" USING btree ("review_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "review_findings_subject" ON "review_findings" USING btree ("review_id","type","subject_type","subject_id");--> statement-breakpoint
CREATE INDEX "review_findings_due" ON "review_findings" USING btree ("status","due_date");--> statement-breakpoint
CREATE UNIQUE INDEX "reviews_one_continuous" ON "reviews" USING btree ("kind") WHERE kind = 'continuous';--> statement-breakpoint
CREATE INDEX "reviews_schedule" ON "reviews" USING btree ("schedule_id");