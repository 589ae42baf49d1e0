import { defineConfig } from "drizzle-kit";

// Migrations are generated from src/db/schema and committed in drizzle/; they run at start-up.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema/index.ts",
  out: "./drizzle",
});
