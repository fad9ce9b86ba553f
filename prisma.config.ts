import { defineConfig } from "prisma/config";

// Only `prisma generate` uses this file. Migrations are created and applied through the
// WebAssembly schema engine (src/db/migrate.ts), so no datasource URL is needed here.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
