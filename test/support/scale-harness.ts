/**
 * The pieces of the multi-process tests, the chaos run and bench:scale: an OpenAI-compatible stub
 * that plays the supervisor graph statelessly (any worker may ask it anything, in any order), a
 * webhook receiver that counts every delivery, and Switchboard processes (`serve`, `worker`)
 * started with `node --import tsx` so a SIGKILL hits the process itself.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { reply, startOpenAIStub, type OpenAIStub, type RecordedRequest, type StubReply } from "./openai-stub.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The tag a run's goal carries so the stub can tell runs apart: `job-<id>`. */
export const jobTag = (id: string | number) => `job-${id}`;

/** A goal the scripted supervisor routes to `agent` once, then finishes. */
export function scaleGoal(id: string | number, agent: "operator" | "analyst"): string {
  return agent === "operator" ? `Notify the ops channel that ${jobTag(id)} is done.` : `Compute 6*7 for ${jobTag(id)}.`;
}

function lastMessage(request: RecordedRequest): { role: string; content: string } {
  const messages = request.body.messages as { role: string; content: string | null }[];
  const last = messages.at(-1)!;
  return { role: last.role, content: String(last.content ?? "") };
}

function allText(request: RecordedRequest): string {
  return (request.body.messages as { content: unknown }[]).map((message) => (typeof message.content === "string" ? message.content : JSON.stringify(message.content))).join("\n");
}

/**
 * Supervisor: routes the goal's job to the operator (goal "Notify…") or the analyst ("Compute…")
 * until "Work so far" holds that agent's result for the job, then finishes. Specialists: one tool
 * call, then an answer naming the job.
 */
export function scaleScript(webhookUrl: string | undefined): (request: RecordedRequest) => StubReply {
  return (request) => {
    const tools = ((request.body.tools ?? []) as { function: { name: string } }[]).map((tool) => tool.function.name);
    const text = allText(request);
    const job = /job-[\w-]+/.exec(text)?.[0] ?? "job-unknown";
    if (tools.includes("route")) {
      const agent = /Goal: Notify/.test(text) ? "operator" : "analyst";
      const work = text.slice(text.lastIndexOf("Work so far:"));
      if (work.includes(`DONE ${job}`)) return reply.toolCall("route", { next: "finish", task: "", answer: `All done for ${job}.` });
      return reply.toolCall("route", { next: agent, task: agent === "operator" ? `Send the notification for ${job}.` : `Compute 6*7 for ${job}.`, answer: "" });
    }
    if (lastMessage(request).role === "tool") return reply.text(`DONE ${job}`);
    if (tools.includes("send_webhook")) return reply.toolCall("send_webhook", { url: webhookUrl ?? "http://127.0.0.1:9/none", payload: { job } });
    if (tools.includes("calculator")) return reply.toolCall("calculator", { expression: "6*7" });
    return reply.text(`DONE ${job}`);
  };
}

/** Starts the stub playing `scaleScript`, answering each call after `delayMs` (`slowDelayMs` for jobs tagged `job-slow…`). */
export async function startScaleStub(options: { delayMs?: number; slowDelayMs?: number; webhookUrl?: string } = {}): Promise<OpenAIStub> {
  const stub = await startOpenAIStub();
  const script = scaleScript(options.webhookUrl);
  stub.onRequest((request) => {
    const slow = options.slowDelayMs !== undefined && allText(request).includes("job-slow");
    const delayMs = slow ? options.slowDelayMs : options.delayMs;
    return { ...script(request), ...(delayMs ? { delayMs } : {}) };
  });
  return stub;
}

/** A webhook receiver that keeps every delivery (it does not deduplicate: duplicates must be visible). */
export interface WebhookReceiver {
  url: string;
  /** Deliveries per job tag. */
  byJob: Map<string, number>;
  /** Deliveries per Idempotency-Key. */
  byKey: Map<string, number>;
  /** The distinct Idempotency-Keys each job tag was delivered with. */
  keysByJob: Map<string, Set<string>>;
  close(): Promise<void>;
}

/** Starts the receiver on a free port. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const byJob = new Map<string, number>();
  const byKey = new Map<string, number>();
  const keysByJob = new Map<string, Set<string>>();
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      const job = String((JSON.parse(body || "{}") as { job?: string }).job);
      const key = String(request.headers["idempotency-key"]);
      byJob.set(job, (byJob.get(job) ?? 0) + 1);
      byKey.set(key, (byKey.get(key) ?? 0) + 1);
      keysByJob.set(job, (keysByJob.get(job) ?? new Set<string>()).add(key));
      response.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    byJob,
    byKey,
    keysByJob,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A Switchboard process started by a test or a bench. */
export interface SwitchboardProcess {
  child: ChildProcess;
  /** `http://host:port` of a `serve` process; undefined for workers without a health port. */
  url: string | undefined;
  /** What the process wrote to stderr (its JSON logs), for failure messages. */
  logs(): string;
  /** Sends a signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `npm run serve` (`serve`) or `npm run worker` (`worker`) as `node --import tsx …` with `env`. */
export async function startSwitchboard(kind: "serve" | "worker", env: Record<string, string>, args: string[] = []): Promise<SwitchboardProcess> {
  const entry = kind === "serve" ? "server/main.ts" : "server/worker.ts";
  const child = spawn(process.execPath, ["--import", "tsx", entry, ...(kind === "serve" ? ["--port", "0"] : []), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "test", LOG_LEVEL: "warn", SWITCHBOARD_SKIP_DOTENV: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr = (stderr + String(chunk)).slice(-20_000)));
  const url = await new Promise<string | undefined>((resolve, reject) => {
    let stdout = "";
    // Generous: on a loaded machine a process needs tens of seconds to load the graphs.
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${kind} did not start within 180 s:\n${stderr}`));
    }, 180_000);
    child.stdout!.on("data", (chunk) => {
      stdout += String(chunk);
      const line = stdout.split("\n").find((candidate) => candidate.includes('"listening"') || candidate.includes('"worker"'));
      if (!line) return;
      clearTimeout(timer);
      const parsed = JSON.parse(line) as { listening?: string; health?: string };
      resolve(parsed.listening ?? parsed.health);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${kind} exited at start (${code ?? signal}):\n${stderr}`));
    });
  });
  return {
    child,
    url,
    logs: () => stderr,
    stop: (signal = "SIGTERM") =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      }),
  };
}

/**
 * Waits for processes starting together and adds every one that started to `into` before
 * rethrowing the first failure, so the suite's clean-up stops it (Promise.all would orphan it).
 */
export async function startedInto(into: SwitchboardProcess[], starting: Promise<SwitchboardProcess>[]): Promise<void> {
  const settled = await Promise.allSettled(starting);
  for (const result of settled) if (result.status === "fulfilled") into.push(result.value);
  const failed = settled.find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
}
