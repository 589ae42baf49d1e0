ALTER TABLE "bind_accounts" ALTER COLUMN "sp_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "bind_accounts" ADD COLUMN "kind" text DEFAULT 'sp' NOT NULL;--> statement-breakpoint
ALTER TABLE "bind_accounts" ADD COLUMN "carried_sp_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL;--> statement-breakpoint
ALTER TABLE "bind_accounts" ADD CONSTRAINT "bind_accounts_kind_sp" CHECK (("bind_accounts"."kind" = 'sp') = ("bind_accounts"."sp_id" is not null));