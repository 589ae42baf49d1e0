ALTER TABLE "signatures" DROP CONSTRAINT "signatures_text_unique";--> statement-breakpoint
ALTER TABLE "signatures" ADD COLUMN "skeleton" text;--> statement-breakpoint
ALTER TABLE "signatures" ADD COLUMN "released_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "signatures_text_held" ON "signatures" USING btree ("text") WHERE "signatures"."released_at" is null;--> statement-breakpoint
CREATE INDEX "signatures_skeleton" ON "signatures" USING btree ("skeleton");