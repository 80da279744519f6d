/**
 * Keeps Switchboard's layers pointing one way: lib <- tools <- agents <- graphs <- server, cli,
 * with memory and tracing used above them and using only lib; and keeps the doors of memory/,
 * tools/ and tracing/ single: code outside them imports their index.ts, never an inner file.
 * evals/ sits beside server and cli at the top: it drives graphs as the CLI does; nothing imports it.
 * Run by `npm run lint:deps` (bench/ and test/ are not cruised; tests beside code may reach in).
 */
const layer = (from, forbidden, comment) => ({
  name: `${from}-imports-upward`,
  comment,
  severity: "error",
  from: { path: `^${from}/` },
  to: { path: `^(${forbidden.join("|")})/` },
});

const door = (folder) => ({
  name: `${folder}-only-through-its-index`,
  comment: `${folder}/index.ts is the only door into ${folder}/: import from it, and export there what outside code needs.`,
  severity: "error",
  from: { pathNot: [`^${folder}/`, "\\.test\\.ts$"] },
  to: { path: `^${folder}/`, pathNot: `^${folder}/index\\.ts$` },
});

module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", comment: "Circular imports make load order fragile.", from: {}, to: { circular: true } },
    layer("lib", ["tools", "agents", "graphs", "memory", "tracing", "server", "cli", "evals"], "lib is the base layer."),
    layer("memory", ["tools", "agents", "graphs", "tracing", "server", "cli", "evals"], "memory uses only lib."),
    layer("tracing", ["tools", "agents", "graphs", "memory", "server", "cli", "evals"], "tracing uses only lib."),
    layer("tools", ["agents", "graphs", "memory", "tracing", "server", "cli", "evals"], "tools use lib; memory reaches them by injection."),
    layer("agents", ["graphs", "memory", "tracing", "server", "cli", "evals"], "agents build on tools and lib."),
    layer("graphs", ["server", "cli", "evals"], "graphs do not know who serves them."),
    layer("server", ["cli", "evals"], "the server does not depend on the CLI."),
    layer("cli", ["evals"], "the CLI does not depend on the evals."),
    door("memory"),
    door("tools"),
    door("tracing"),
    {
      name: "contracts-are-leaves",
      comment: "lib/contracts declares the run's vocabulary; it imports nothing of the project but itself.",
      severity: "error",
      from: { path: "^lib/contracts/" },
      to: { path: "^(lib|tools|agents|graphs|memory|tracing|server|cli)/", pathNot: "^lib/contracts/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|\\.langgraph_api|bench|test)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
