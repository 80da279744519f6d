/**
 * Vitest setup file: a MaxListenersExceededWarning in a test process fails the test that was
 * running (or the file, when it came from a hook), so a listener leak cannot come back
 * unnoticed (issue 18). Other warnings are left to Node's default printing.
 */
import { afterAll, afterEach } from "vitest";

const FATAL_WARNINGS = new Set(["MaxListenersExceededWarning"]);
/**
 * LangGraph's runner adds two abort listeners per running step to the run's combined signal,
 * which stream() creates itself (Node's default limit of 10, out of our reach), and removes them
 * when the step ends (pregel/runner.js); a graph that fans out (the planner's parallel agent
 * subgraphs) passes 10 without leaking. The warning's stack is where the 11th listener was
 * added: those added by LangGraph's runner are exempt, every other one is fatal.
 */
const LANGGRAPH_STEP_LISTENERS = /@langchain[/\\]langgraph[/\\](dist|src)[/\\]pregel[/\\](runner|utils[/\\]index)\.(js|ts)/;
const seen: string[] = [];

process.on("warning", (warning) => {
  if (!FATAL_WARNINGS.has(warning.name)) return;
  const addedAt = (warning.stack ?? "").split("\n").find((line) => line.includes(" at ") && !line.includes("node:"));
  if (addedAt && LANGGRAPH_STEP_LISTENERS.test(addedAt)) return;
  seen.push(`${warning.name}: ${warning.message}\n${warning.stack ?? ""}`);
});

function failOnWarnings(): void {
  if (seen.length === 0) return;
  const found = seen.splice(0);
  throw new Error(`${found.length} listener-leak warning(s) during this test (fix the leak, do not raise the limit):\n${[...new Set(found)].join("\n")}`);
}

afterEach(async () => {
  // Node emits warnings on the next tick: let those of the test's last moments arrive.
  await new Promise((resolve) => setImmediate(resolve));
  failOnWarnings();
});
afterAll(failOnWarnings);
