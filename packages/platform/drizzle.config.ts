import { defineConfig } from 'drizzle-kit';

/** Platform-owned tables every publishing or consuming service gets (see src/events/migrate.ts). */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/events/tables.ts',
  out: './drizzle',
});
