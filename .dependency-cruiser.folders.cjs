/**
 * Folder-level cycles (`npm run check:deps` runs this after .dependency-cruiser.cjs): two folders of
 * src/ (a domain, api, console, lib, db …) never import each other, directly or through other
 * folders, even when no single file is part of a module cycle. The composition root src/main.ts is
 * left out: it imports every folder by design, and it lives in src/ whose context.ts and config.ts
 * every folder imports.
 */
const base = require("./.dependency-cruiser.cjs");

module.exports = {
  forbidden: [
    {
      name: "no-folder-cycles",
      severity: "error",
      comment: "Two folders of src/ import each other (directly or through other folders).",
      scope: "folder",
      from: { path: "^src/" },
      to: { path: "^src/", circular: true },
    },
  ],
  options: {
    ...base.options,
    exclude: { path: ["^(node_modules|data|drizzle)/", "^src/main\\.ts$"] },
  },
};
