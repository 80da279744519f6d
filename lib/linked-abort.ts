/**
 * One signal that aborts when any of several does, without AbortSignal.any. Node keeps a signal
 * made by AbortSignal.any alive, while it has abort listeners, for as long as one of its sources
 * could still fire; LangGraph leaves a listener on the signal a run is given (its combined
 * signal is not always disposed), so every finished run stayed in the heap with it (issue 20:
 * ≈ 4 KB a run, the soak's growth). A plain controller's signal is freed with the run; `dispose`
 * takes our listeners off the sources, which may outlive it.
 */

/** A signal aborted (with the source's reason) once any of `sources` aborts; `dispose` when done. */
export function linkedAbort(sources: AbortSignal[]): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const listeners = new Map<AbortSignal, () => void>();
  const dispose = () => {
    for (const [source, listener] of listeners) source.removeEventListener("abort", listener);
    listeners.clear();
  };
  for (const source of sources) {
    if (source.aborted) {
      controller.abort(source.reason);
      dispose();
      break;
    }
    const listener = () => {
      controller.abort(source.reason);
      dispose();
    };
    listeners.set(source, listener);
    source.addEventListener("abort", listener, { once: true });
  }
  return { signal: controller.signal, dispose };
}
