CREATE TABLE "rung_decisions" (
	"trial_id" text NOT NULL,
	"epoch" integer NOT NULL,
	"rung" integer NOT NULL,
	"action" text NOT NULL,
	"reason" text,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rung_decisions_trial_id_epoch_pk" PRIMARY KEY("trial_id","epoch")
);
--> statement-breakpoint
ALTER TABLE "rung_decisions" ADD CONSTRAINT "rung_decisions_trial_id_trials_id_fk" FOREIGN KEY ("trial_id") REFERENCES "public"."trials"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Readers (docs/sql.md) see the decisions too; as in 0002, skipped without the role.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'sweep_reader') THEN
    GRANT SELECT ON rung_decisions TO sweep_reader;
  END IF;
EXCEPTION
  WHEN insufficient_privilege THEN NULL;
END $$;
