/**
 * The process-wide workarounds for per-runnable costs inside LangChain core and the LangSmith SDK,
 * installed together at each entry point (server, worker, CLI); each module says what it works
 * around and pins its equivalence with the library's own behaviour in its test.
 */
import { installPooledRandomValues } from "./pooled-random.js";
import { installUntracedRunTreeReuse } from "./untraced-run-tree.js";

/** Installs the pooled random values and the reused untraced run tree (idempotent). */
export function installLibraryWorkarounds(): void {
  installPooledRandomValues();
  installUntracedRunTreeReuse();
}
