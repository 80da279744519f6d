/**
 * How recalled episodes read in a supervisor's prompt: short, most similar first, with what was
 * decided, what the tools said and how the run ended, so the planner can reuse or avoid a path.
 */
import type { RecalledEpisode } from "./episodic-memory.js";

/** Formats recalled episodes as a prompt section; empty string when there are none. */
export function formatEpisodesForPrompt(recalled: readonly RecalledEpisode[]): string {
  if (recalled.length === 0) return "";
  const lines = ["Relevant past runs of this user (most similar first; reuse what worked, avoid what failed):"];
  recalled.forEach(({ episode, score }, i) => {
    const when = episode.endedAt.slice(0, 10);
    const similarity = score === undefined ? "" : `, similarity ${score.toFixed(2)}`;
    lines.push(`${i + 1}. Goal: ${episode.goal}`);
    lines.push(`   Ended: ${episode.terminalState} on ${when}, ${episode.tokens.total} tokens${similarity}`);
    if (episode.outcome) lines.push(`   Outcome: ${episode.outcome}`);
    if (episode.decisions.length > 0) lines.push(`   Key decisions: ${episode.decisions.slice(0, 5).join("; ")}`);
    if (episode.toolResults.length > 0) {
      const results = episode.toolResults.slice(0, 5).map((result) => `${result.tool}${result.ok ? "" : " (failed)"}: ${result.summary}`);
      lines.push(`   Tool results: ${results.join("; ")}`);
    }
  });
  return lines.join("\n");
}
