/** What the eval runner's tests share: an environment pointed at the test's own endpoints, and captured output. */
import { vi } from "vitest";
import { resetEnvForTests } from "../../lib/env.js";

/**
 * Stubs the environment for an eval test file: no Redis, no model, no LangSmith unless `overrides`
 * names them (the test's stub URLs), then drops the cached env so the runner reads it again.
 */
export function stubEvalEnv(overrides: Record<string, string>): void {
  const quiet = { OPENAI_API_KEY: "", OPENAI_BASE_URL: "", REDIS_URL: "", LANGSMITH_API_KEY: "", LANGSMITH_TRACING: "false" };
  for (const [name, value] of Object.entries({ ...quiet, ...overrides })) vi.stubEnv(name, value);
  resetEnvForTests();
}

/** Undoes `stubEvalEnv` (every stubbed variable) and drops the cached env again. */
export function unstubEvalEnv(): void {
  vi.unstubAllEnvs();
  resetEnvForTests();
}

/** A non-TTY stream that keeps what the runner writes. */
export function capture(): { stream: NodeJS.WriteStream; text(): string } {
  let text = "";
  const stream = { isTTY: false, write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}
