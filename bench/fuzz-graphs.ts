/**
 * `npm run fuzz:graphs [-- <seeds per graph>]`: the fuzz bar at length. Every registered graph
 * runs on a random (schema-valid) and on a malformed model for many seeds; prints how runs
 * ended and fails (exit 1) if any run crashed, hung, or ended outside a named state or its budgets.
 */
import { TERMINAL_STATES } from "../agents/index.js";
import { GRAPHS } from "../graphs/index.js";
import { FUZZ_LIMITS, fuzzCatalog, fuzzRun } from "../test/support/fuzz-harness.js";

const HANG_MS = 60_000;
const seeds = Number(process.argv[2] ?? 100);
const catalog = fuzzCatalog();
let failures = 0;

for (const { id } of GRAPHS) {
  for (const mode of ["random", "malformed"] as const) {
    const ended: Record<string, number> = {};
    for (let seed = 1; seed <= seeds; seed++) {
      let timer: NodeJS.Timeout | undefined;
      try {
        const hang = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`hung for ${HANG_MS} ms`)), HANG_MS)));
        const outcome = await Promise.race([fuzzRun(id, seed, mode, catalog), hang]);
        const within = outcome.usage.toolCalls <= FUZZ_LIMITS.maxToolCalls && outcome.usage.modelCalls <= FUZZ_LIMITS.maxModelCalls + 6;
        if (!TERMINAL_STATES.includes(outcome.status as never) || !within) {
          failures++;
          console.error(`${id}/${mode}/${seed}: ended ${outcome.status} with ${JSON.stringify(outcome.usage)}`);
        }
        ended[String(outcome.status)] = (ended[String(outcome.status)] ?? 0) + 1;
      } catch (error) {
        failures++;
        ended.crashed = (ended.crashed ?? 0) + 1;
        console.error(`${id}/${mode}/${seed}: ${(error as Error).stack}`);
      } finally {
        clearTimeout(timer);
      }
    }
    console.log(`${id.padEnd(13)} ${mode.padEnd(9)} ${JSON.stringify(ended)}`);
  }
}
console.log(failures === 0 ? `all runs ended in a named state within budgets (${seeds} seeds per graph and mode)` : `${failures} bad run(s)`);
process.exit(failures === 0 ? 0 : 1);
