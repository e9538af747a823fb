import { fileURLToPath } from 'node:url';

/** packages/analytics/src/db/migrations: the same two levels up from src/db and dist/db (tsc does not copy SQL). */
export const migrationsFolder = fileURLToPath(new URL('../../src/db/migrations', import.meta.url));
