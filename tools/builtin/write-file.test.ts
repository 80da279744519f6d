import { link, mkdtemp, mkdir, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { Worker } from "node:worker_threads";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toolRunContext } from "../../test/support/tool-context.js";
import { writeInside } from "../sandbox/workspace-fs.js";
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

describe("write_file hostile cases (issue 19 findings 5 and 6)", () => {
  let root: string;
  let outside: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "sb-ws-race-"));
    outside = await mkdtemp(path.join(tmpdir(), "sb-outside-race-"));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it("counts bytes, not UTF-16 characters: 3 MiB of '€' (1 Mi characters) is refused", async () => {
    const tool = createWriteFileTool({ workspaceDir: root });
    const parsed = tool.schema.safeParse({ path: "euro.txt", content: "€".repeat(1024 * 1024) });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/3145728 bytes in UTF-8; files are at most 1048576 bytes/);
    await expect(tool.run({ path: "euro.txt", content: "€".repeat(1024 * 1024) }, toolRunContext({ threadId: "bytes" }))).rejects.toThrow(/3145728 bytes/);
    expect(await tool.run({ path: "euro.txt", content: "€".repeat(1000) }, toolRunContext({ threadId: "bytes" }))).toMatchObject({ bytes: 3000 });
  });

  it("refuses a planted hard link and leaves the linked file untouched", async () => {
    const tool = createWriteFileTool({ workspaceDir: root });
    const secret = path.join(outside, "secret.txt");
    await writeFile(secret, "do not touch");
    await mkdir(path.join(root, "hardlinks"), { recursive: true });
    await link(secret, path.join(root, "hardlinks", "notes.txt"));
    for (const descriptors of [true, false]) {
      await expect(writeInside(root, ["hardlinks", "notes.txt"], Buffer.from("overwritten"), { descriptors })).rejects.toThrow(/2 hard links/);
    }
    await expect(tool.run({ path: "notes.txt", content: "overwritten" }, toolRunContext({ threadId: "hardlinks" }))).rejects.toThrow(/hard link/);
    expect(await readFile(secret, "utf8")).toBe("do not touch");
  });

  // The descriptor walk (Linux) is the race-free one; the portable walk only narrows the race (see workspace-fs.ts).
  it("never lands a file outside while a folder is swapped for a symlink in a tight loop", async () => {
    const thread = "race-fd";
    const sub = path.join(root, thread, "sub");
    await mkdir(sub, { recursive: true });
    const escape = path.join(outside, thread);
    await mkdir(escape);
    const stopFlag = new SharedArrayBuffer(4);
    // The swapper runs on its own thread with synchronous calls, so it interleaves with the writes' I/O.
    const swapper = new Worker(
      `const fs = require("node:fs"); const { workerData: w, parentPort } = require("node:worker_threads");
       const stop = new Int32Array(w.stopFlag); let swaps = 0; let extra = 0;
       // A folder the writer re-creates meanwhile is moved aside, but stays inside the workspace.
       const aside = () => fs.renameSync(w.sub, w.sub + ".extra" + extra++);
       while (Atomics.load(stop, 0) === 0) {
         try { fs.renameSync(w.sub, w.sub + ".away"); } catch { continue; }
         for (;;) { try { fs.symlinkSync(w.escape, w.sub); break; } catch { aside(); } }
         fs.unlinkSync(w.sub);
         for (;;) { try { fs.renameSync(w.sub + ".away", w.sub); break; } catch { aside(); } }
         swaps++;
       }
       parentPort.postMessage(swaps);`,
      { eval: true, workerData: { sub, escape, stopFlag } },
    );
    const swaps = new Promise<number>((resolve, reject) => {
      swapper.once("message", resolve);
      swapper.once("error", reject);
    });
    const written: number[] = [];
    const failures = new Set<string>();
    for (let i = 0; i < 1_500; i += 1) {
      try {
        await writeInside(root, [thread, "sub", `f${i}.txt`], Buffer.from(`write ${i}`), { descriptors: true });
        written.push(i);
      } catch (error) {
        failures.add(String((error as Error).message).replace(/f\d+\.txt/, "f*.txt"));
      }
    }
    Atomics.store(new Int32Array(stopFlag), 0, 1);
    expect(await swaps).toBeGreaterThan(0);
    await swapper.terminate();
    // Nothing outside, and every write reported as done is inside with its content.
    expect(await readdir(escape)).toEqual([]);
    expect(written.length).toBeGreaterThan(0);
    const folders = (await readdir(path.join(root, thread))).map((name) => path.join(root, thread, name));
    for (const i of written) {
      const copies = await Promise.all(folders.map((folder) => readFile(path.join(folder, `f${i}.txt`), "utf8").catch(() => undefined)));
      expect(copies.filter(Boolean), `f${i}.txt`).toEqual([`write ${i}`]);
    }
    for (const failure of failures) expect(failure).toMatch(/symbolic link|not a folder|moved outside the workspace|ENOENT/);
  });
});
