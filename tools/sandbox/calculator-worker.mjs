// Worker thread body of the calculator: mathjs loads here, and only here (never on the server's
// event loop). Posts { ready: true } once both engines are built, then answers each
// { id, expression } with { id, ok, answer } or { id, ok: false, error }. A runaway evaluation is
// stopped by the pool killing this worker; nothing an expression does survives into the next one
// except what the allow-list permits (nothing that changes the engines).
import { parentPort } from "node:worker_threads";
import { calculate } from "./calculator-engine.mjs";

calculate("1 + 1");
parentPort.postMessage({ ready: true });

parentPort.on("message", ({ id, expression }) => {
  try {
    parentPort.postMessage({ id, ok: true, answer: calculate(expression) });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});
