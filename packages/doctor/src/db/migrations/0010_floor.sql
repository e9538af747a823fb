-- The clinic floor (issue 22): locations, rooms and equipment with their maintenance, the
-- resources each booking holds (in the booked-slot view) and each type needs (in its copy).
CREATE TABLE "locations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"address" text,
	"time_zone" text NOT NULL,
	"opening_hours" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "locations_one_default" ON "locations" ("is_default") WHERE "is_default";
--> statement-breakpoint
-- Existing schedules keep working: their hours (no location) are at this one.
INSERT INTO "locations" ("id", "name", "time_zone", "is_default") VALUES ('00000000-0000-4000-8000-00000000000a', 'Main clinic', 'UTC', true);
--> statement-breakpoint
CREATE TABLE "resources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"category" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"location_id" uuid REFERENCES "locations"("id"),
	"capacity" integer DEFAULT 1 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "resources_category_check" CHECK ("category" in ('ROOM', 'EQUIPMENT')),
	CONSTRAINT "resources_room_located" CHECK ("category" <> 'ROOM' OR "location_id" IS NOT NULL),
	CONSTRAINT "resources_capacity_check" CHECK ("capacity" between 1 and 50)
);
--> statement-breakpoint
CREATE INDEX "resources_kind_idx" ON "resources" ("category", "kind", "location_id");
--> statement-breakpoint
CREATE TABLE "resource_time_off" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"resource_id" uuid NOT NULL REFERENCES "resources"("id") ON DELETE CASCADE,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "resource_time_off_period_check" CHECK ("starts_at" < "ends_at")
);
--> statement-breakpoint
CREATE INDEX "resource_time_off_resource_ends_idx" ON "resource_time_off" ("resource_id", "ends_at");
--> statement-breakpoint
ALTER TABLE "booked_slots" ADD COLUMN "resources" jsonb DEFAULT '[]'::jsonb NOT NULL;
--> statement-breakpoint
ALTER TABLE "booked_slots" ADD COLUMN "resource_ids" uuid[] DEFAULT '{}' NOT NULL;
--> statement-breakpoint
CREATE INDEX "booked_slots_resource_ids_idx" ON "booked_slots" USING gin ("resource_ids") WHERE "released_at" IS NULL;
--> statement-breakpoint
ALTER TABLE "appointment_types" ADD COLUMN "required_resources" jsonb DEFAULT '[]'::jsonb NOT NULL;
