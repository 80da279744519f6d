/**
 * The suite's setup file fails a test that triggers MaxListenersExceededWarning: a vitest run of
 * a fixture with one leaking and one clean test reports exactly the leaking one as failed.
 */
import { spawnSync } from "node:child_process";
import { expect, it } from "vitest";

const root = new URL("../..", import.meta.url).pathname;

it("a MaxListenersExceededWarning fails the test it happened in, and only that one", () => {
  const result = spawnSync(`${root}node_modules/.bin/vitest`, ["run", "--config", "test/fixtures/warnings/vitest.config.ts", "--reporter", "json"], { cwd: root, encoding: "utf8", timeout: 60_000 });
  const report = JSON.parse(result.stdout.slice(result.stdout.indexOf("{"))) as { testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[] };
  const tests = report.testResults.flatMap((file) => file.assertionResults);
  expect(tests.map((test) => [test.title, test.status])).toEqual([
    ["leaks listeners", "failed"],
    ["adds and removes listeners", "passed"],
  ]);
  expect(tests[0]!.failureMessages.join("\n")).toMatch(/MaxListenersExceededWarning/);
  expect(result.status).not.toBe(0);
}, 90_000);
