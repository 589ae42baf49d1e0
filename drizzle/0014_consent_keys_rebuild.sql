-- Custom migration (drizzle-kit generate --custom): which rows of the consents' ledger belong in
-- consent_keys (0013) is said once, in consent_keys_holds(), and both the row trigger and a full
-- rebuild use it. Until now the trigger, 0013's backfill and the benchmark's bulk seed each wrote
-- the filter out, and a fourth copy could drift from the trigger without any test noticing.
-- A ledger row is held when it is a grant, not withdrawn, and not pruned (its hash emptied).
CREATE FUNCTION consent_keys_holds(kind text, withdrawn_at timestamp with time zone, recipient_hash text) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN kind = 'grant' AND withdrawn_at IS NULL AND recipient_hash <> '';
--> statement-breakpoint
CREATE OR REPLACE FUNCTION consent_keys_sync() RETURNS trigger LANGUAGE plpgsql AS $$
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
  IF TG_OP <> 'DELETE' AND consent_keys_holds(NEW.kind, NEW.withdrawn_at, NEW.recipient_hash) THEN
    INSERT INTO consent_keys (id, recipient_key, expires_at) VALUES (NEW.id, NEW.recipient_key, NEW.expires_at);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- The whole projection again from the ledger, in one pass: after a bulk load that held the row
-- trigger (the benchmark's ten million consents), or to repair it. Returns the rows it holds.
CREATE FUNCTION consent_keys_rebuild() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  held bigint;
BEGIN
  DELETE FROM consent_keys;
  INSERT INTO consent_keys (id, recipient_key, expires_at)
    SELECT id, recipient_key, expires_at FROM consents WHERE consent_keys_holds(kind, withdrawn_at, recipient_hash);
  GET DIAGNOSTICS held = ROW_COUNT;
  RETURN held;
END $$;
