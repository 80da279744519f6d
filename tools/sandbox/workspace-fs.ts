/**
 * Writing a file below a folder without following a symbolic link anywhere on the way, even one
 * swapped in while the write is under way. Node has no `openat`, but Linux' `/proc/self/fd/<n>`
 * is a handle on an open folder itself, not on its path: opening `/proc/self/fd/<n>/<name>` with
 * O_NOFOLLOW resolves `<name>` inside that very folder, which is `openat(n, name, O_NOFOLLOW)`.
 * The walk therefore holds a descriptor of each folder and never looks a path up again: no swap
 * of a folder for a symbolic link, however timed, moves a write outside (tested with a swapper
 * thread racing 1,500 writes). Where `/proc` is missing (macOS, Windows) Node offers no race-free
 * way: each step is checked with lstat and the opened file must be the one at the expected place
 * inside the root, else the call is refused. That narrows the window but cannot close it, so
 * serve untrusted models from Linux (docs/security.md).
 *
 * The file itself is opened without O_TRUNC and checked before a byte changes: a regular file
 * (not a FIFO, device or folder) with one hard link (a planted hard link would write into a
 * file elsewhere).
 */
import { constants } from "node:fs";
import { access, lstat, mkdir, open, realpath, unlink, type FileHandle } from "node:fs/promises";
import path from "node:path";

const PROC_FD = "/proc/self/fd";
let procAvailable: Promise<boolean> | undefined;

const errno = (error: unknown) => (error as NodeJS.ErrnoException).code;

function refused(error: unknown, shown: string): Error {
  const code = errno(error);
  if (code === "ELOOP" || code === "EMLINK") return new Error(`'${shown}' is a symbolic link; refusing to write through it`);
  if (code === "ENOTDIR") return new Error(`'${shown}' is not a folder (a file or a symbolic link is in the way)`);
  if (code === "EISDIR") return new Error(`'${shown}' is a folder, not a file`);
  if (code === "ENXIO") return new Error(`'${shown}' is not a regular file`);
  return error instanceof Error ? error : new Error(String(error));
}

/** Opens (creating if needed) the folder `name` inside the folder held by `parent`, not following links. */
async function openFolderAt(parent: FileHandle, name: string, shown: string): Promise<FileHandle> {
  const at = `${PROC_FD}/${parent.fd}/${name}`;
  await mkdir(at).catch((error: unknown) => {
    if (errno(error) !== "EEXIST") throw refused(error, shown);
  });
  return open(at, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW).catch((error: unknown) => {
    throw refused(error, shown);
  });
}

async function checkFile(handle: FileHandle, shown: string): Promise<void> {
  const stat = await handle.stat();
  if (!stat.isFile()) throw new Error(`'${shown}' is not a regular file`);
  if (stat.nlink > 1) throw new Error(`'${shown}' has ${stat.nlink} hard links; refusing to write through a hard link`);
}

async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  await handle.truncate(0);
  await handle.write(data, 0, data.length, 0);
}

/** The Linux walk: descriptors all the way down. */
async function writeWithDescriptors(realRoot: string, parts: readonly string[], data: Buffer): Promise<void> {
  const opened: FileHandle[] = [await open(realRoot, constants.O_RDONLY | constants.O_DIRECTORY)];
  try {
    for (let i = 0; i < parts.length - 1; i += 1) opened.push(await openFolderAt(opened.at(-1)!, parts[i]!, parts.slice(1, i + 1).join("/") || "the thread's workspace folder"));
    const shown = parts.slice(1).join("/");
    // O_NONBLOCK: a planted FIFO must not block the open; it is refused by the check below.
    const file = await open(`${PROC_FD}/${opened.at(-1)!.fd}/${parts.at(-1)}`, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o644).catch(
      (error: unknown) => {
        throw refused(error, shown);
      },
    );
    try {
      await checkFile(file, shown);
      await writeAll(file, data);
    } finally {
      await file.close();
    }
  } finally {
    await Promise.all(opened.map((handle) => handle.close()));
  }
}

/** Elsewhere: step by step with lstat, then the opened file must be the one inside the root. */
async function writeWithChecks(realRoot: string, parts: readonly string[], data: Buffer): Promise<void> {
  let current = realRoot;
  for (let i = 0; i < parts.length - 1; i += 1) {
    current = path.join(current, parts[i]!);
    const shown = parts.slice(1, i + 1).join("/") || "the thread's workspace folder";
    await mkdir(current).catch((error: unknown) => {
      if (errno(error) !== "EEXIST") throw refused(error, shown);
    });
    const stat = await lstat(current);
    if (stat.isSymbolicLink()) throw new Error(`'${shown}' is a symbolic link; refusing to write through it`);
    if (!stat.isDirectory()) throw new Error(`'${shown}' is not a folder`);
  }
  const target = path.join(current, parts.at(-1)!);
  const shown = parts.slice(1).join("/");
  let created = true;
  const file = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o644).catch(async (error: unknown) => {
    if (errno(error) !== "EEXIST") throw refused(error, shown);
    created = false;
    return open(target, constants.O_WRONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch((again: unknown) => {
      throw refused(again, shown);
    });
  });
  try {
    const opened = await file.stat();
    const real = await realpath(target).catch(() => "");
    const there = real ? await lstat(real).catch(() => undefined) : undefined;
    const inside = real.startsWith(realRoot + path.sep) && there?.dev === opened.dev && there?.ino === opened.ino;
    if (!inside) {
      if (created && there?.dev === opened.dev && there?.ino === opened.ino) await unlink(real).catch(() => undefined);
      throw new Error(`'${shown}' moved outside the workspace while it was being written; nothing was written`);
    }
    await checkFile(file, shown);
    await writeAll(file, data);
  } finally {
    await file.close();
  }
}

/**
 * Writes `data` to `root/parts[0]/…/parts[n-1]`, creating folders, following no symbolic link
 * below `root` (the operator's root itself may be reached through links), refusing hard links
 * and anything but regular files. `parts` are single path components (no `..`, no separators).
 */
export async function writeInside(root: string, parts: readonly string[], data: Buffer, options: { descriptors?: boolean } = {}): Promise<void> {
  if (parts.length < 2 || parts.some((part) => !part || part === "." || part === ".." || part.includes("/") || part.includes("\0"))) {
    throw new Error("invalid path inside the workspace");
  }
  await mkdir(root, { recursive: true });
  const realRoot = await realpath(root);
  procAvailable ??= access(PROC_FD).then(
    () => true,
    () => false,
  );
  // `descriptors: false` forces the portable walk (tests run it on Linux too).
  if ((options.descriptors ?? true) && (await procAvailable)) await writeWithDescriptors(realRoot, parts, data);
  else await writeWithChecks(realRoot, parts, data);
}
