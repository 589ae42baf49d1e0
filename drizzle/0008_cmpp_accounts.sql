ALTER TABLE "bind_accounts" ADD COLUMN "protocol" text DEFAULT 'smpp' NOT NULL;--> statement-breakpoint
ALTER TABLE "bind_accounts" ADD COLUMN "secret_sealed" text;