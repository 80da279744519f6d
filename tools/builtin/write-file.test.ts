import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toolRunContext } from "../../test/support/tool-context.js";
import { createWriteFileTool, resolveInside, threadWorkspace } from "./write-file.js";

describe("write_file", () => {
  let root: string;
  let outside: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "sb-ws-"));
    outside = await mkdtemp(path.join(tmpdir(), "sb-outside-"));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it("writes into the thread's own folder, creating subfolders, and overwrites idempotently", async () => {
    const tool = createWriteFileTool({ workspaceDir: root });
    expect(tool.sideEffect).toBe("idempotent_write");
    const ctx = toolRunContext({ threadId: "thread-a" });
    const first = await tool.run({ path: "out/report.md", content: "# Hi" }, ctx);
    expect(first).toMatchObject({ path: "out/report.md", bytes: 4 });
    await tool.run({ path: "out/report.md", content: "# Hi" }, ctx);
    expect(await readFile(path.join(root, "thread-a", "out", "report.md"), "utf8")).toBe("# Hi");
    await tool.run({ path: "x.txt", content: "other thread" }, toolRunContext({ threadId: "../../etc" }));
    expect(threadWorkspace(root, "../../etc")).toMatch(new RegExp(`^${root}/t-[0-9a-f]{32}$`));
  });

  it("refuses absolute paths and .. escapes", () => {
    const folder = path.join(root, "t");
    expect(() => resolveInside(folder, "/etc/passwd")).toThrow(/absolute/);
    expect(() => resolveInside(folder, "C:\\evil")).toThrow(/absolute/);
    expect(() => resolveInside(folder, "../x")).toThrow(/outside the workspace/);
    expect(() => resolveInside(folder, "a/../../x")).toThrow(/outside the workspace/);
    expect(() => resolveInside(folder, ".")).toThrow(/outside the workspace/);
    expect(resolveInside(folder, "a/./b/../c.txt")).toBe(path.join(folder, "a", "c.txt"));
  });

  it("refuses to write through symbolic links out of the workspace", async () => {
    const tool = createWriteFileTool({ workspaceDir: root });
    const folder = path.join(root, "thread-links");
    await mkdir(folder, { recursive: true });
    await symlink(outside, path.join(folder, "escape"));
    await writeFile(path.join(outside, "target.txt"), "original");
    await symlink(path.join(outside, "target.txt"), path.join(folder, "file-link.txt"));
    const ctx = toolRunContext({ threadId: "thread-links" });
    await expect(tool.run({ path: "escape/new.txt", content: "x" }, ctx)).rejects.toThrow(/symbolic link/);
    await expect(tool.run({ path: "escape/deeper/new.txt", content: "x" }, ctx)).rejects.toThrow(/symbolic link/);
    await expect(tool.run({ path: "file-link.txt", content: "x" }, ctx)).rejects.toThrow(/symbolic link/);
    expect(await readFile(path.join(outside, "target.txt"), "utf8")).toBe("original");
  });
});
