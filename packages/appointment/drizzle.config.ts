import { defineConfig } from 'drizzle-kit';

// schema.ts imports @pms/contracts: run with NODE_OPTIONS=--conditions=@pms/source (see `db:generate`).
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './src/db/migrations',
});
