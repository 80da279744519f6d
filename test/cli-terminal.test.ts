/**
 * Ctrl-C at a real terminal under the documented command: `npm start` runs in a pseudo-terminal
 * (util-linux `script`), a Ctrl-C typed there reaches npm and the CLI alike, and the CLI still
 * prints its summary, records the run as cancelled in the thread's state and exits 130.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRedis, type RedisConnection } from "../lib/redis.js";
import { runCliProcess } from "./support/cli-process.js";
import { startOpenAIStub, type OpenAIStub } from "./support/openai-stub.js";
import { deleteByPrefix, testRedisUrl, uniquePrefix } from "./support/redis.js";

const ROOT = new URL("..", import.meta.url).pathname;

describe("npm start at a terminal", () => {
  let redis: RedisConnection;
  let stub: OpenAIStub;
  const prefix = uniquePrefix("cli-terminal");

  beforeAll(async () => {
    redis = await connectRedis({ url: testRedisUrl(), name: "cli-terminal-test" });
    // A model that never answers in time: the run is waiting when Ctrl-C comes.
    stub = await startOpenAIStub({ defaultReply: { content: "too late", delayMs: 120_000 } });
  });
  afterAll(async () => {
    await deleteByPrefix(redis, prefix);
    await redis.close();
    await stub.close();
  });

  it("Ctrl-C prints the summary, records cancelled and exits 130", async () => {
    const env = { OPENAI_BASE_URL: stub.url, OPENAI_API_KEY: "test", OPENAI_TIMEOUT_MS: "60000", REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix, LOG_LEVEL: "error", WORKSPACE_DIR: "./workspace/test-cli-terminal" };
    const thread = `${prefix}t1`;
    // An interactive shell with job control, as a user's terminal has: npm runs as the foreground job.
    const shell = spawn("script", ["-qfc", "bash --norc --noprofile -i", "/dev/null"], { cwd: ROOT, env: { ...process.env, ...env, PS1: "$ " }, stdio: ["pipe", "pipe", "pipe"] });
    let screen = "";
    shell.stdout.on("data", (chunk) => (screen += chunk));
    shell.stderr.on("data", (chunk) => (screen += chunk));
    const exited = new Promise<void>((resolve) => shell.on("exit", () => resolve()));
    const until = async (pattern: RegExp, ms: number) => {
      for (let waited = 0; !pattern.test(screen) && waited < ms; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
      return pattern.test(screen);
    };
    try {
      shell.stdin.write(`npm start -- --graph agent --thread ${thread} 'say hi'\n`);
      expect(await until(/waiting for gpt-4o-mini/, 60_000)).toBe(true);
      shell.stdin.write("\x03"); // what the Ctrl-C key sends: the terminal signals npm and the CLI alike
      // Typed only once the shell has its prompt back (typed earlier, the CLI's input would take it).
      await until(/■ cancelled|\n\$ $/, 20_000);
      await until(/\n\$ $/, 20_000);
      shell.stdin.write("echo EXIT=$?\n");
      expect(await until(/EXIT=\d+/, 20_000)).toBe(true);
    } finally {
      shell.stdin.end("exit\n");
      await exited;
    }
    // The summary comes before the shell has its prompt back: npm waited for the CLI to finish.
    const summary = screen.indexOf("■ cancelled — Cancelled from the terminal (Ctrl-C)");
    expect(summary).toBeGreaterThan(0);
    expect(summary).toBeLessThan(screen.indexOf("EXIT="));
    expect(screen).toMatch(/EXIT=130/);
    // The state says cancelled: a --resume refuses to restart the cancelled work.
    const after = await runCliProcess(["--thread", thread, "--resume"], env);
    expect(after.stderr).toMatch(/has nothing to resume: its last run is not paused \(it ended: cancelled/);
    expect(after.code).toBe(64);
  }, 120_000);
});
