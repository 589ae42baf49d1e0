-- Custom migration (drizzle-kit generate --custom): the current consents' keys in a narrow table of
-- their own, kept by a trigger, so that a full load reads it rather than the consents' ledger.
-- The ledger is the evidence chain: about 340 bytes a row, 435,000 pages for ten million grants,
-- and reading those pages was most of the database's time in a national load (an 8 KB page from
-- the page cache cost 4–11 µs on the test machine). This table holds, for every row of `consents`
-- that is a grant, not withdrawn and not pruned (hash emptied), its id, key and expiry: about a
-- seventh of the pages. The trigger runs in the writing transaction, so every snapshot sees the
-- ledger and this table agree; whether a consent is current at a given time (expires_at > now) is
-- still judged by the reader. Rows without a key (a hash that is not hex) are read from the ledger
-- by their id. Kept out of the Drizzle model, like the key columns (0012).
CREATE TABLE "consent_keys" (
  "id" uuid PRIMARY KEY NOT NULL,
  "recipient_key" bigint,
  "expires_at" timestamp with time zone
);
--> statement-breakpoint
CREATE FUNCTION consent_keys_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    -- DELETE, not TRUNCATE: a TRUNCATE naming both tables (a test's reset) holds consent_keys in
    -- use while this runs, and a nested TRUNCATE of it fails.
    DELETE FROM consent_keys;
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM consent_keys WHERE id = OLD.id;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.kind = 'grant' AND NEW.withdrawn_at IS NULL AND NEW.recipient_hash <> '' THEN
    INSERT INTO consent_keys (id, recipient_key, expires_at) VALUES (NEW.id, NEW.recipient_key, NEW.expires_at);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER consent_keys_sync AFTER INSERT OR UPDATE OR DELETE ON "consents" FOR EACH ROW EXECUTE FUNCTION consent_keys_sync();
--> statement-breakpoint
CREATE TRIGGER consent_keys_truncate AFTER TRUNCATE ON "consents" FOR EACH STATEMENT EXECUTE FUNCTION consent_keys_sync();
--> statement-breakpoint
INSERT INTO consent_keys (id, recipient_key, expires_at)
  SELECT id, recipient_key, expires_at FROM consents WHERE kind = 'grant' AND withdrawn_at IS NULL AND recipient_hash <> '';
--> statement-breakpoint
ANALYZE consent_keys;
