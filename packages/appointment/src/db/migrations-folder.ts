import { fileURLToPath } from 'node:url';

/** src/db/migrations, found from src/db and from dist/db alike (tsc does not copy SQL). */
export const migrationsFolder = fileURLToPath(new URL('../../src/db/migrations', import.meta.url));
