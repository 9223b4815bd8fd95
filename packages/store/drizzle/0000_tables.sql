CREATE TABLE "epochs" (
	"trial_id" text NOT NULL,
	"epoch" integer NOT NULL,
	"loss" double precision NOT NULL,
	"accuracy" double precision NOT NULL,
	"val_loss" double precision NOT NULL,
	"val_accuracy" double precision NOT NULL,
	"duration_ms" double precision NOT NULL,
	"images_per_s" double precision NOT NULL,
	"attempt" integer NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "epochs_trial_id_epoch_pk" PRIMARY KEY("trial_id","epoch")
);
--> statement-breakpoint
CREATE TABLE "sweeps" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"config" jsonb NOT NULL,
	"config_hash" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "trials" (
	"id" text PRIMARY KEY NOT NULL,
	"sweep_id" text NOT NULL,
	"ordinal" integer NOT NULL,
	"name" text NOT NULL,
	"key" text NOT NULL,
	"params" jsonb NOT NULL,
	"model" jsonb NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"attempt" integer DEFAULT 0 NOT NULL,
	"worker" text,
	"backend" text,
	"param_count" integer,
	"epochs_planned" integer NOT NULL,
	"early_terminate" jsonb,
	"best_val_loss" double precision,
	"best_epoch" integer,
	"overfit_epoch" integer,
	"test_loss" double precision,
	"test_accuracy" double precision,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"duration_ms" double precision
);
--> statement-breakpoint
CREATE TABLE "workers" (
	"id" text PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"pid" integer NOT NULL,
	"threads" integer NOT NULL,
	"backend" text NOT NULL,
	"trials" jsonb NOT NULL,
	"images_per_s" double precision DEFAULT 0 NOT NULL,
	"status" text NOT NULL,
	"last_seen" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "epochs" ADD CONSTRAINT "epochs_trial_id_trials_id_fk" FOREIGN KEY ("trial_id") REFERENCES "public"."trials"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trials" ADD CONSTRAINT "trials_sweep_id_sweeps_id_fk" FOREIGN KEY ("sweep_id") REFERENCES "public"."sweeps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "trials_sweep_idx" ON "trials" USING btree ("sweep_id","ordinal");