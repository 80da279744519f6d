/**
 * `npm run skills -- sync [folder]`              load skills/ into the shared skills library
 * `npm run skills -- save <file.md> [--owner <id>]`  save a human-written skill for one owner
 * `npm run skills -- find "<task>" [--owner <id>]`   show the skills an agent would load for a task
 */
import { readFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { getEnv } from "../lib/env.js";
import { ConfigError } from "../lib/errors.js";
import { createLogger } from "../lib/logger.js";
import { DEFAULT_OWNER, openStore, parseSkillMarkdown, ProceduralMemory } from "../memory/index.js";

const USAGE = `usage:
  npm run skills -- sync [folder]                 (default folder: skills)
  npm run skills -- save <file.md> [--owner <id>]
  npm run skills -- find "<task>" [--owner <id>]`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { owner: { type: "string", default: DEFAULT_OWNER }, help: { type: "boolean", short: "h" } } });
  const [command, argument] = positionals;
  if (values.help || !command || !["sync", "save", "find"].includes(command) || (command !== "sync" && !argument)) {
    console.log(USAGE);
    if (!values.help) process.exitCode = 2;
    return;
  }
  const env = getEnv();
  if (command !== "find" && !env.redis) {
    throw new ConfigError("Saving skills needs a durable store: set REDIS_URL (or REDIS_CLUSTER_NODES).", { setting: "REDIS_URL" });
  }
  const opened = await openStore(env, { logger: createLogger({ level: env.LOG_LEVEL, name: "skills" }) });
  try {
    const skills = new ProceduralMemory(opened.store);
    if (command === "sync") {
      const folder = argument ?? "skills";
      const result = await skills.syncSkillsFolder(folder, folder.replace(/\/+$/, ""));
      console.log(`Skills from ${folder}: ${result.loaded} loaded, ${result.changed} written, ${result.removed} removed.`);
    } else if (command === "save") {
      const skill = parseSkillMarkdown(await readFile(argument!, "utf8"), argument);
      await skills.saveSkill(values.owner, skill, { kind: "human", id: userInfo().username });
      console.log(`Saved skill '${skill.name}' for owner '${values.owner}'.`);
    } else {
      if (!opened.durable) await skills.syncSkillsFolder("skills");
      const found = await skills.relevantSkills(values.owner, argument!);
      if (found.length === 0) console.log("No skills found.");
      for (const { skill, scope, score } of found) console.log(`${skill.name} (${scope}${score === undefined ? "" : `, ${score.toFixed(3)}`}): ${skill.whenToUse}`);
    }
  } finally {
    await opened.close();
  }
}

main().catch((error: unknown) => {
  console.error(`skills failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
