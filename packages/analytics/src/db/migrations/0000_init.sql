CREATE TABLE "daily_counts" (
	"day" date NOT NULL,
	"type" text NOT NULL,
	"doctor_id" uuid,
	"specialty" text,
	"events" integer NOT NULL,
	"amount_cents" bigint NOT NULL,
	CONSTRAINT "daily_counts_key" UNIQUE NULLS NOT DISTINCT("day","type","doctor_id","specialty")
);
--> statement-breakpoint
CREATE TABLE "event_store" (
	"id" uuid PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"source" text NOT NULL,
	"subject" text NOT NULL,
	"doctor_id" uuid,
	"specialty" text,
	"amount_cents" bigint,
	"currency" text,
	"envelope" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "event_store_occurred_at_idx" ON "event_store" USING btree ("occurred_at","type");--> statement-breakpoint
CREATE INDEX "event_store_subject_idx" ON "event_store" USING btree ("subject");