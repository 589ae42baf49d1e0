/**
 * The architecture's boundaries, checked in CI (`npm run check:deps`). Each rule is one line of the
 * layering the README's "Layout" section describes; a forbidden import or a cycle fails the check.
 */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment: "Modules form no import cycles.",
      from: {},
      to: { circular: true },
    },
    {
      name: "policy-is-pure",
      severity: "error",
      comment: "src/policy imports nothing but its own folder (no I/O, no clock, no registry, no database).",
      from: { path: "^src/policy/" },
      // (^|/): node_modules may be a symlink that resolves outside the checkout (a git worktree sharing one).
      to: { pathNot: ["^src/policy/", "(^|/)node_modules/"], dependencyTypesNot: ["type-only"] },
    },
    {
      name: "policy-uses-no-io-packages",
      severity: "error",
      comment: "src/policy may use pure data packages only (text folding, Unicode data), never I/O.",
      from: { path: "^src/policy/" },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "core-never-imports-adapters",
      severity: "error",
      comment: "Nothing in src/ imports a protocol adapter (smpp/, cmpp/) except the composition root.",
      from: { path: "^src/", pathNot: "^src/main\\.ts$" },
      to: { path: "^(smpp|cmpp)/" },
    },
    {
      name: "adapters-stay-off-transport-and-storage",
      severity: "error",
      comment: "Protocol adapters never import the HTTP API, the database client/schema or the console.",
      from: { path: "^(smpp|cmpp)/" },
      to: { path: "^src/(api|db|console)/" },
    },
    {
      name: "adapters-are-independent",
      severity: "error",
      comment: "One protocol adapter never imports another.",
      from: { path: "^smpp/" },
      to: { path: "^cmpp/" },
    },
    {
      name: "adapters-are-independent-2",
      severity: "error",
      from: { path: "^cmpp/" },
      to: { path: "^smpp/" },
    },
    {
      name: "demo-is-a-client",
      severity: "error",
      comment: "The demo (demo/) is a client of the product: nothing in src/, smpp/ or cmpp/ imports it.",
      from: { path: "^(src|smpp|cmpp)/" },
      to: { path: "^demo/" },
    },
    {
      name: "routes-stay-in-the-api",
      severity: "error",
      comment: "Only src/api (and the composition root) imports a route module or the app: services, console and reviews import services.",
      from: { pathNot: ["^src/api/", "^src/main\\.ts$", "^test/"] },
      to: { path: ["\\.routes\\.tsx?$", "^src/api/app\\.ts$"] },
    },
    {
      name: "services-never-import-the-api",
      severity: "error",
      comment:
        "A domain folder (src/<domain>/: services, schemas, loaders) never imports src/api/, the HTTP transport.",
      from: { path: "^src/(?!api/|console/|main\\.ts$)" },
      to: { path: "^src/api/" },
    },
    {
      name: "console-reads-no-database",
      severity: "error",
      comment: "The web console goes through the services; it imports src/db only for types.",
      from: { path: "^src/console/" },
      to: { path: "^src/db/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "product-never-imports-tests",
      severity: "error",
      comment: "Nothing outside test/ imports from test/.",
      from: { pathNot: "^test/" },
      to: { path: "^test/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|data|drizzle)/" },
    tsPreCompilationDeps: true,
    // TypeScript 7 has no compiler API dependency-cruiser can use yet; swc parses the sources.
    parser: "swc",
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
 exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"], extensions: [".ts", ".tsx", ".js", ".mjs"] },
  },
};
