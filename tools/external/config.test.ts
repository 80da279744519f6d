import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseEnv } from "../../lib/env.js";
import { externalToolName, loadExternalToolsConfig, parseExternalToolsConfig, resolveReferences, secretScrubber } from "./config.js";
import { resultText, sideEffectFromAnnotations } from "./mcp-tool.js";

describe("external tool sources config", () => {
  it("accepts the Claude Desktop shape plus agents, and names what is wrong otherwise", () => {
    const config = parseExternalToolsConfig(
      { mcpServers: { fs: { command: "npx", args: ["-y", "server"] }, gh: { url: "https://mcp.example/mcp", headers: { Authorization: "Bearer ${GH}" } } }, agents: { researcher: ["fs.*", "gh.search_issues"] } },
      "mcp.json",
    );
    expect(config.mcpServers.fs).toMatchObject({ command: "npx", timeoutMs: 60_000 });
    expect(() => parseExternalToolsConfig({ mcpServers: { fs: { command: "x" } }, agents: { researcher: ["github.*"] } }, "mcp.json")).toThrow(/agent 'researcher' 'github\.\*', but no source has that name/);
    expect(() => parseExternalToolsConfig({ mcpServers: { "my server": { command: "x" } } }, "mcp.json")).toThrow(/mcpServers\.my server.*letters, digits, _ and -/);
    // Names as Claude Desktop configs spell them (dashes, capitals) are taken; their tools' names are snake_case.
    const dashed = parseExternalToolsConfig({ mcpServers: { "Brave-Search": { command: "x" } }, agents: { researcher: ["Brave-Search.*"] } }, "mcp.json");
    expect(dashed.agents.researcher).toEqual(["Brave-Search.*"]);
    expect(externalToolName("Brave-Search", "brave_web_search")).toBe("brave_search__brave_web_search");
    expect(() => parseExternalToolsConfig({ mcpServers: { "a-b": { command: "x" }, a_b: { command: "y" } } }, "mcp.json")).toThrow(/prefix 'a_b__'/);
    expect(() => parseExternalToolsConfig({ mcpServers: { fs: { url: "ftp://x" } } }, "mcp.json")).toThrow(/mcp\.json is invalid: mcpServers\.fs/);
    // Other clients' keys are ignored, `type` works like `transport`.
    const desktop = parseExternalToolsConfig({ mcpServers: { gh: { type: "http", url: "http://127.0.0.1:${PORT}/mcp", disabled: false, autoApprove: [] } } }, "mcp.json");
    expect(desktop.mcpServers.gh).toMatchObject({ type: "http", url: "http://127.0.0.1:${PORT}/mcp" });
  });

  it("resolves ${VAR} references, fails naming a missing one, and scrubs resolved values", () => {
    const secrets = new Set<string>();
    expect(resolveReferences("Bearer ${TOKEN}", (name) => (name === "TOKEN" ? "s3cr3t-value" : undefined), "server 'gh'", secrets)).toBe("Bearer s3cr3t-value");
    expect(() => resolveReferences("${NOPE}", () => undefined, "server 'gh'", new Set())).toThrow(/server 'gh' refers to \$\{NOPE\}, which is not set/);
    expect(secretScrubber(secrets)("got s3cr3t-value back")).toBe("got [redacted] back");
  });

  it("names tools source__tool in snake_case and reads side effects from annotations (unknown = external)", () => {
    expect(externalToolName("petstore", "listPets")).toBe("petstore__list_pets");
    expect(externalToolName("fs", "read-file")).toBe("fs__read_file");
    expect(sideEffectFromAnnotations({ readOnlyHint: true })).toBe("read_only");
    expect(sideEffectFromAnnotations({ destructiveHint: false, idempotentHint: true })).toBe("idempotent_write");
    expect(sideEffectFromAnnotations({ destructiveHint: true })).toBe("external_side_effect");
    expect(sideEffectFromAnnotations(undefined)).toBe("external_side_effect");
  });

  it("turns an MCP result into text: text blocks, named other blocks, structured content when there is no text", () => {
    expect(resultText(["plain", []])).toBe("plain");
    expect(resultText([{ type: "text", text: "with structure", structuredContent: { a: 1 } }, [{ type: "mcp_structured_content", data: { a: 1 } }]])).toBe("with structure");
    expect(resultText([[{ type: "text", text: "a" }, { type: "image", data: "..." }], []])).toBe("a\n[image omitted]");
    expect(resultText([[], [{ type: "mcp_structured_content", data: { temperature: 21 } }]])).toBe('{"temperature":21}');
  });

  it("reads a working directory's mcp.json only when the setting names it (an env built from an object never does)", () => {
    const dir = mkdtempSync(join(tmpdir(), "mcp-default-"));
    try {
      writeFileSync(join(dir, "mcp.json"), JSON.stringify({ mcpServers: { fs: { command: "x" } } }));
      expect(parseEnv({}).SWITCHBOARD_MCP_CONFIG).toBeUndefined();
      expect(loadExternalToolsConfig(undefined, dir)).toBeUndefined();
      expect(loadExternalToolsConfig("off", dir)).toBeUndefined();
      expect(Object.keys(loadExternalToolsConfig("mcp.json", dir)?.mcpServers ?? {})).toEqual(["fs"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
