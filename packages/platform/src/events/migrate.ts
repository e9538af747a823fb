import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import type { Database } from '../db/types.js';

/** packages/platform/drizzle: the same two levels up from src/events and dist/events. */
export const eventMigrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

/**
 * Creates or upgrades `outbox` and `processed_events` in a service's database. Its own
 * journal table keeps platform migrations apart from the service's `__drizzle_migrations`.
 */
export async function migrateEventTables(db: Database): Promise<void> {
  await migrate(db, { migrationsFolder: eventMigrationsFolder, migrationsTable: '__platform_migrations' });
}
