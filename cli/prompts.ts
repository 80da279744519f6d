/**
 * Asking the human at the terminal: tool approvals (approve / edit / reject with a reason) and
 * loop escalations (continue with a note / stop). Works with a TTY and with piped input; when
 * input ends, the run stays paused and can be resumed later with --resume.
 */
import { createInterface } from "node:readline";
import type { LoopDecision, LoopEscalation, ToolApprovalDecision, ToolApprovalRequest } from "../agents/index.js";
import type { Output } from "./render.js";

/** Reads one answer line; undefined when input has ended. */
export interface Asker {
  ask(prompt: string): Promise<string | undefined>;
  close(): void;
}

/** An asker on stdin (prompts on stderr). */
export function terminalAsker(input: NodeJS.ReadableStream = process.stdin): Asker {
  const rl = createInterface({ input, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  return {
    async ask(prompt) {
      process.stderr.write(prompt);
      const next = await lines.next();
      if (next.done) return undefined;
      const answer = String(next.value).trim();
      // Piped answers are not echoed by a terminal: show them so the transcript reads well.
      if (!(input as { isTTY?: boolean }).isTTY) process.stderr.write(`${answer}\n`);
      return answer;
    },
    close: () => rl.close(),
  };
}

/** Something a paused run is waiting for. */
export interface PendingInterrupt {
  id: string | undefined;
  value: unknown;
}

/** Asks about one interrupt; returns the resume value, or undefined when input ended. */
export async function askAbout(pending: PendingInterrupt, asker: Asker, out: Output): Promise<unknown> {
  const value = pending.value as { type?: string };
  if (value?.type === "tool_approval") return askApproval(pending.value as ToolApprovalRequest, asker, out);
  if (value?.type === "loop_detected") return askLoop(pending.value as LoopEscalation, asker, out);
  out.info(`? The run is waiting for input:\n${JSON.stringify(pending.value, null, 2)}`);
  for (;;) {
    const answer = await asker.ask("  Answer (JSON, or text): ");
    if (answer === undefined) return undefined;
    try {
      return JSON.parse(answer);
    } catch {
      return answer;
    }
  }
}

async function askApproval(request: ToolApprovalRequest, asker: Asker, out: Output): Promise<ToolApprovalDecision | undefined> {
  out.info(`\n? Approval needed: ${request.agent} wants to call ${request.tool} [${request.sideEffect}]`);
  out.info(`  arguments: ${JSON.stringify(request.args, null, 2).replace(/\n/g, "\n  ")}`);
  if (request.problem) out.info(`  (${request.problem})`);
  for (;;) {
    const choice = (await asker.ask("  [a]pprove, [e]dit arguments, [r]eject? "))?.toLowerCase();
    if (choice === undefined) return undefined;
    if (choice === "a" || choice === "approve" || choice === "y" || choice === "yes") return { decision: "approve" };
    if (choice === "r" || choice === "reject" || choice === "n" || choice === "no") {
      const reason = await asker.ask("  Reason (the agent will see it): ");
      if (reason === undefined) return undefined;
      return reason ? { decision: "reject", reason } : { decision: "reject" };
    }
    if (choice === "e" || choice === "edit") {
      const text = await asker.ask("  New arguments as JSON: ");
      if (text === undefined) return undefined;
      try {
        const args = JSON.parse(text) as unknown;
        if (args && typeof args === "object" && !Array.isArray(args)) return { decision: "edit", args: args as Record<string, unknown> };
        out.info("  The arguments must be a JSON object, e.g. {\"url\": \"https://…\"}.");
      } catch (error) {
        out.info(`  That is not JSON (${(error as Error).message}); try again.`);
      }
      continue;
    }
    out.info("  Answer a, e or r.");
  }
}

async function askLoop(escalation: LoopEscalation, asker: Asker, out: Output): Promise<LoopDecision | undefined> {
  out.info(`\n? Loop detected in ${escalation.agent}: ${escalation.detail}`);
  for (;;) {
    const choice = (await asker.ask("  [c]ontinue or [s]top the run? "))?.toLowerCase();
    if (choice === undefined) return undefined;
    if (choice === "s" || choice === "stop") return { action: "stop" };
    if (choice === "c" || choice === "continue") {
      const note = await asker.ask("  Note for the agent (optional): ");
      if (note === undefined) return undefined;
      return note ? { action: "continue", note } : { action: "continue" };
    }
    out.info("  Answer c or s.");
  }
}
