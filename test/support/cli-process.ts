/**
 * The CLI as a user's script runs it: `cli/main.ts` in a child process whose stdin is a closed
 * pipe (not a terminal), with the given environment on top of the test's.
 */
import { spawn } from "node:child_process";

/** What a CLI process printed and how it exited. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm start -- <args>` as a child process; `stdin` is written and then closed. */
export function runCliProcess(args: readonly string[], env: Record<string, string>, stdin = ""): Promise<CliResult> {
  const child = spawn(process.execPath, ["--import", "tsx", "cli/main.ts", ...args], { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
}
