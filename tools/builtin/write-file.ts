/**
 * write_file: writes a text file into the thread's own workspace folder. Absolute paths, `..`
 * escapes and symlinks leading out of the folder are refused; the final path component is
 * opened with O_NOFOLLOW so a symlink swapped in after the check cannot redirect the write.
 * Overwrites only (no append), so re-running the same call leaves the same file: idempotent.
 */
import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { lstat, mkdir, open } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { defineTool } from "../types.js";

/** Largest file the tool writes (1 MiB). */
export const MAX_FILE_BYTES = 1024 * 1024;

/** The folder of one thread under the workspace root (thread ids are reduced to safe folder names). */
export function threadWorkspace(root: string, threadId: string): string {
  const safe = /^[A-Za-z0-9_-]{1,100}$/.test(threadId) ? threadId : `t-${createHash("sha256").update(threadId).digest("hex").slice(0, 32)}`;
  return path.resolve(root, safe);
}

/** Resolves a model-given relative path inside `folder`, or throws saying why not. */
export function resolveInside(folder: string, relative: string): string {
  if (relative.includes("\0")) throw new Error("the path contains a NUL byte");
  if (path.isAbsolute(relative) || /^[A-Za-z]:[\\/]/.test(relative) || relative.startsWith("\\")) {
    throw new Error(`'${relative}' is absolute; give a path relative to the workspace, e.g. 'report.md' or 'data/result.csv'`);
  }
  const target = path.resolve(folder, relative);
  if (target === folder || !target.startsWith(folder + path.sep)) throw new Error(`'${relative}' points outside the workspace`);
  return target;
}

/**
 * Creates the folders between `folder` and `target` one level at a time, refusing any symbolic
 * link on the way (a recursive mkdir would happily create folders wherever a link points).
 */
async function prepareParents(folder: string, target: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  const folderStat = await lstat(folder);
  // The operator's root may sit under a symlinked path; only the thread folder itself must not be a link.
  if (folderStat.isSymbolicLink()) throw new Error("the thread's workspace folder is a symbolic link");
  let current = folder;
  for (const part of path.relative(folder, path.dirname(target)).split(path.sep).filter(Boolean)) {
    current = path.join(current, part);
    const existing = await lstat(current).catch(() => undefined);
    if (!existing) await mkdir(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
    const now = await lstat(current);
    if (now.isSymbolicLink()) throw new Error(`'${path.relative(folder, current)}' is a symbolic link; refusing to write through it`);
    if (!now.isDirectory()) throw new Error(`'${path.relative(folder, current)}' is a file, not a folder`);
  }
  const existing = await lstat(target).catch(() => undefined);
  if (existing?.isSymbolicLink()) throw new Error("the target is a symbolic link; refusing to write through it");
  if (existing?.isDirectory()) throw new Error("the target is a folder");
}

/** Builds the write_file tool for a workspace root (env `WORKSPACE_DIR`). */
export function createWriteFileTool(options: { workspaceDir: string }) {
  const root = path.resolve(options.workspaceDir);
  return defineTool({
    name: "write_file",
    description:
      "Writes a UTF-8 text file (e.g. the final report, a CSV) into this conversation's workspace folder, replacing any file of that name. Paths are relative to the workspace, e.g. 'report.md' or 'out/data.csv'. Returns the path, size and SHA-256.",
    schema: z.object({
      path: z.string().min(1).max(200).describe("relative path inside the workspace"),
      content: z.string().max(MAX_FILE_BYTES).describe("the complete file content"),
    }),
    timeoutMs: 5_000,
    sideEffect: "idempotent_write",
    run: async ({ path: relative, content }, ctx) => {
      const folder = threadWorkspace(root, ctx.threadId);
      const target = resolveInside(folder, relative);
      await prepareParents(folder, target);
      const handle = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
      try {
        await handle.writeFile(content, "utf8");
      } finally {
        await handle.close();
      }
      const bytes = Buffer.byteLength(content);
      return { path: path.relative(folder, target).split(path.sep).join("/"), bytes, sha256: createHash("sha256").update(content).digest("hex") };
    },
  });
}
