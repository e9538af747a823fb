-- Added by hand (drizzle-kit does not manage extensions): the trigram indexes below need it.
-- pg_trgm is a trusted extension: the owner of the database may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE TYPE "public"."audit_action" AS ENUM('READ', 'CREATE', 'UPDATE', 'DELETE', 'LIST', 'CLAIM');--> statement-breakpoint
CREATE TYPE "public"."billing_status" AS ENUM('ACTIVE', 'PENDING');--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"patient_id" uuid NOT NULL,
	"actor_id" text NOT NULL,
	"actor_role" text NOT NULL,
	"action" "audit_action" NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"request_id" text
);
--> statement-breakpoint
CREATE TABLE "patients" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"phone" text,
	"address" text,
	"date_of_birth" date NOT NULL,
	"owner_user_id" uuid,
	"billing_status" "billing_status" DEFAULT 'PENDING' NOT NULL,
	"registered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "audit_log_patient_at_idx" ON "audit_log" USING btree ("patient_id","at");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "patients_email_lower_key" ON "patients" USING btree (lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX "patients_owner_user_id_key" ON "patients" USING btree ("owner_user_id");--> statement-breakpoint
CREATE INDEX "patients_name_sort_idx" ON "patients" USING btree (lower("name"),"id");--> statement-breakpoint
CREATE INDEX "patients_registered_at_idx" ON "patients" USING btree ("registered_at","id");--> statement-breakpoint
CREATE INDEX "patients_name_trgm_idx" ON "patients" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "patients_email_trgm_idx" ON "patients" USING gin ("email" gin_trgm_ops);