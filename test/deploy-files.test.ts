/**
 * The deploy files, read as data (no Docker engine runs here): the Dockerfile is multi-stage,
 * installs production dependencies only, runs as a non-root user, serves by default and checks
 * its health; compose.yaml (parsed with a YAML parser) has Redis with the append-only file, one
 * API process and two workers. Every command either runs is a script in package.json, and every
 * variable either sets is one lib/env.ts reads.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { KNOWN_VARIABLES } from "../lib/env.js";

const ROOT = new URL("..", import.meta.url).pathname;
const read = (file: string) => readFileSync(`${ROOT}${file}`, "utf8");
const scripts = Object.keys((JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts);

/** Dockerfile instructions as [keyword, arguments], continuation lines joined, comments dropped. */
function instructions(text: string): [string, string][] {
  return text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return [keyword!.toUpperCase(), rest.join(" ")];
    });
}

/** The npm script an exec-form command runs (`["npm", "run", ("--silent",) name]`), or a description of what else it runs. */
function scriptOf(command: unknown): string {
  const words = (typeof command === "string" ? JSON.parse(command) : command) as string[];
  const [npm, run, ...rest] = words;
  const name = rest.filter((word) => !word.startsWith("-"))[0];
  return npm === "npm" && run === "run" && name ? name : `not an npm script: ${JSON.stringify(words)}`;
}

/** `KEY=value KEY2=value` pairs of an ENV instruction. */
function envKeys(args: string): string[] {
  return [...args.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=/g)].map((match) => match[1]!);
}

describe("deploy files", () => {
  it("Dockerfile: multi-stage, production dependencies only, non-root, serves by default, health check on /ok", () => {
    const steps = instructions(read("Dockerfile"));
    expect(steps.filter(([keyword]) => keyword === "FROM").length).toBeGreaterThanOrEqual(2);
    const installs = steps.filter(([keyword, args]) => keyword === "RUN" && /\bnpm (ci|install)\b/.test(args));
    expect(installs.length).toBeGreaterThan(0);
    for (const [, args] of installs) expect(args).toMatch(/--omit=dev/);
    const lastStage = steps.slice(steps.map(([keyword]) => keyword).lastIndexOf("FROM"));
    const user = lastStage.filter(([keyword]) => keyword === "USER").at(-1)?.[1];
    expect(user).toBeDefined();
    expect(["root", "0"]).not.toContain(user);
    const cmd = lastStage.filter(([keyword]) => keyword === "CMD").at(-1)![1];
    expect(scriptOf(cmd)).toBe("serve");
    const health = lastStage.find(([keyword]) => keyword === "HEALTHCHECK")![1];
    const healthCommand = /CMD\s+(\[.*\])/.exec(health)![1]!;
    expect(scripts).toContain(scriptOf(healthCommand));
    expect(JSON.parse(read("package.json")).scripts[scriptOf(healthCommand)]).toMatch(/\/ok/);
    for (const [, args] of steps.filter(([keyword]) => keyword === "ENV")) for (const key of envKeys(args)) expect(KNOWN_VARIABLES).toContain(key);
  });

  it("compose.yaml: Redis with the append-only file, one API process, two workers; only package scripts and known variables", () => {
    const compose = parse(read("compose.yaml"), { merge: true }) as { services: Record<string, { image?: string; build?: unknown; command?: unknown; environment?: Record<string, unknown>; deploy?: { replicas?: number } }> };
    const services = Object.entries(compose.services);
    const redis = services.find(([, service]) => service.image?.startsWith("redis"));
    expect(redis?.[1].command).toEqual(expect.arrayContaining(["--appendonly", "yes"]));
    const ours = services.filter(([, service]) => service.build !== undefined);
    const runs = (script: string) => ours.filter(([, service]) => scriptOf(service.command) === script).reduce((count, [, service]) => count + (service.deploy?.replicas ?? 1), 0);
    expect(runs("serve")).toBe(1);
    expect(runs("worker")).toBe(2);
    for (const [name, service] of ours) {
      expect(scripts, `service ${name}`).toContain(scriptOf(service.command));
      const keys = Object.keys(service.environment ?? {});
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(KNOWN_VARIABLES, `service ${name} sets ${key}`).toContain(key);
      expect(service.environment!.REDIS_URL).toBe("redis://redis:6379");
    }
    // The API listens beyond loopback, so it must have keys (the server refuses otherwise).
    const api = ours.find(([, service]) => scriptOf(service.command) === "serve")![1];
    expect(api.environment).toMatchObject({ HOST: "0.0.0.0", WORKERS: "0" });
    expect(String(api.environment!.SERVER_API_KEYS)).toMatch(/^\$\{SERVER_API_KEYS:\?/);
  });
});
