/**
 * mathjs (about 100 MB and seconds to load) stays off the server's main thread: the server runtime
 * is built and a calculator call answered in a child process whose loader hook lists every module
 * the main thread resolves.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url).pathname;
const probe = new URL("./fixtures/tools/main-thread-probe.mjs", import.meta.url).pathname;

describe("the calculator's engine on the server", () => {
  it("answers a calculation without loading mathjs on the main thread", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", probe], { cwd: root, env: { ...process.env, LOG_LEVEL: "silent" } });
    expect(JSON.parse(stdout.trim().split("\n").at(-1)!)).toEqual({ isMainThread: true, answer: "1/2", heavy: [] });
  }, 60_000);
});
