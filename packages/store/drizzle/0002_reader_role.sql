-- The read-only role `sweep sql` runs statements as (`SET LOCAL ROLE sweep_reader`),
-- and the one to grant to people who read results (docs/sql.md). Hand-written.
-- Roles are cluster-wide: the role is created once, by the first database migrated on
-- a server, and every database grants it SELECT on its own tables and views. A user
-- that may not create roles migrates without it (`sweep sql` then runs as that user).
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sweep_reader') THEN
    CREATE ROLE sweep_reader NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
EXCEPTION
  -- Another database's migration created it first, or this user may not create roles.
  WHEN duplicate_object OR unique_violation OR insufficient_privilege THEN NULL;
END $$;
--> statement-breakpoint
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'sweep_reader') THEN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO sweep_reader', current_schema());
    GRANT SELECT ON sweeps, trials, epochs, workers, trial_ranking, epoch_curves TO sweep_reader;
    GRANT USAGE ON SCHEMA drizzle TO sweep_reader;
    GRANT SELECT ON drizzle.__drizzle_migrations TO sweep_reader;
    IF NOT pg_has_role(current_user, 'sweep_reader', 'MEMBER') THEN
      GRANT sweep_reader TO current_user;
    END IF;
  END IF;
EXCEPTION
  WHEN insufficient_privilege THEN NULL;
END $$;
