/**
 * Vitest global setup: one temporary root for the whole test run, deleted when the run ends.
 * Test workers are stopped without an `exit` event, so what they leave (a private redis-server's
 * directory that a restart test must keep until the end) is cleaned here instead.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Creates the root and names it in SWITCHBOARD_TEST_TMP (the workers inherit it); returns its removal. */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "switchboard-tests-"));
  process.env.SWITCHBOARD_TEST_TMP = root;
  return () => rmSync(root, { recursive: true, force: true });
}
