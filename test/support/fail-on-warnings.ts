/**
 * Vitest setup file: a MaxListenersExceededWarning in a test process fails the test that was
 * running (or the file, when it came from a hook), so a listener leak cannot come back
 * unnoticed (issue 18). Other warnings are left to Node's default printing.
 */
import { afterAll, afterEach } from "vitest";

const FATAL_WARNINGS = new Set(["MaxListenersExceededWarning"]);
const seen: string[] = [];

process.on("warning", (warning) => {
  if (FATAL_WARNINGS.has(warning.name)) seen.push(`${warning.name}: ${warning.message}`);
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
