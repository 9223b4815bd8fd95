CREATE TABLE "kept_weights" (
	"trial_id" text NOT NULL,
	"kind" text NOT NULL,
	"epoch" integer NOT NULL,
	"size_bytes" bigint NOT NULL,
	"stored" boolean NOT NULL,
	"note" text,
	"kept_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "kept_weights_trial_id_kind_pk" PRIMARY KEY("trial_id","kind")
);
--> statement-breakpoint
ALTER TABLE "kept_weights" ADD CONSTRAINT "kept_weights_trial_id_trials_id_fk" FOREIGN KEY ("trial_id") REFERENCES "public"."trials"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Readers (docs/sql.md) see what is kept too; as in 0002, skipped without the role.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'sweep_reader') THEN
    GRANT SELECT ON kept_weights TO sweep_reader;
  END IF;
EXCEPTION
  WHEN insufficient_privilege THEN NULL;
END $$;
