/**
 * write_file: writes a text file into the thread's own workspace folder. Absolute paths and `..`
 * escapes are refused; the path is then walked one folder at a time from an open descriptor of
 * the thread folder, each step opened with O_NOFOLLOW (see `sandbox/workspace-fs.ts`), so a folder
 * swapped for a symbolic link mid-write cannot redirect it. A file with more than one hard link,
 * or anything but a regular file, is refused; the size limit counts UTF-8 bytes. Overwrites only
 * (no append), so re-running the same call leaves the same file: idempotent.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { z } from "zod";
import { writeInside } from "../sandbox/workspace-fs.js";
import { defineTool } from "../types.js";

/** Largest file the tool writes (1 MiB of UTF-8). */
export const MAX_FILE_BYTES = 1024 * 1024;

/** The folder name of one thread under the workspace root (thread ids are reduced to safe names). */
export function threadFolderName(threadId: string): string {
  return /^[A-Za-z0-9_-]{1,100}$/.test(threadId) ? threadId : `t-${createHash("sha256").update(threadId).digest("hex").slice(0, 32)}`;
}

/** The folder of one thread under the workspace root. */
export function threadWorkspace(root: string, threadId: string): string {
  return path.resolve(root, threadFolderName(threadId));
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

/** Builds the write_file tool for a workspace root (env `WORKSPACE_DIR`). */
export function createWriteFileTool(options: { workspaceDir: string }) {
  const root = path.resolve(options.workspaceDir);
  return defineTool({
    name: "write_file",
    description:
      "Writes a UTF-8 text file (e.g. the final report, a CSV) into this conversation's workspace folder, replacing any file of that name. Paths are relative to the workspace, e.g. 'report.md' or 'out/data.csv'. At most 1 MiB. Returns the path, size and SHA-256.",
    schema: z.object({
      path: z.string().min(1).max(200).describe("relative path inside the workspace"),
      content: z
        .string()
        .max(MAX_FILE_BYTES)
        .superRefine((content, ctx) => {
          const bytes = Buffer.byteLength(content);
          if (bytes > MAX_FILE_BYTES) ctx.addIssue({ code: "custom", message: `the content is ${bytes} bytes in UTF-8; files are at most ${MAX_FILE_BYTES} bytes: split it into several files` });
        })
        .describe("the complete file content (at most 1 MiB in UTF-8)"),
    }),
    timeoutMs: 5_000,
    sideEffect: "idempotent_write",
    run: async ({ path: relative, content }, ctx) => {
      const threadFolder = threadFolderName(ctx.threadId);
      const folder = path.join(root, threadFolder);
      const target = resolveInside(folder, relative);
      const parts = path.relative(folder, target).split(path.sep);
      const data = Buffer.from(content, "utf8");
      if (data.length > MAX_FILE_BYTES) throw new Error(`the content is ${data.length} bytes in UTF-8; files are at most ${MAX_FILE_BYTES} bytes`);
      await writeInside(root, [threadFolder, ...parts], data);
      return { path: parts.join("/"), bytes: data.length, sha256: createHash("sha256").update(data).digest("hex") };
    },
  });
}
