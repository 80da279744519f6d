// A worker body for WorkerPool tests: answers { id, action } by echoing, spinning forever,
// allocating until the heap limit is hit, or exiting.
import { parentPort } from "node:worker_threads";

parentPort.postMessage({ ready: true });
parentPort.on("message", ({ id, action, value }) => {
  if (action === "echo") return parentPort.postMessage({ id, value });
  if (action === "spin") for (;;);
  if (action === "oom") {
    const hoard = [];
    for (;;) hoard.push(new Array(1_000_000).fill(hoard.length));
  }
  if (action === "exit") process.exit(3);
});
