CREATE TABLE "appointment_types" (
	"id" uuid PRIMARY KEY NOT NULL,
	"duration_minutes" integer NOT NULL,
	"buffer_before_minutes" integer NOT NULL,
	"buffer_after_minutes" integer NOT NULL,
	"specialty" "specialty",
	"active" boolean NOT NULL,
	"deleted" boolean NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scheduling_policy" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"minimum_notice_minutes" integer NOT NULL,
	"max_advance_days" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "scheduling_policy_single_row" CHECK ("scheduling_policy"."id" = 1)
);
