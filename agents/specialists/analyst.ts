/** The analyst: exact arithmetic and small programs in a sandbox. */
import { defineSpecialist } from "./define.js";

/** The analyst. */
export const analyst = defineSpecialist({
  name: "analyst",
  description: "Computes: exact arithmetic, statistics, data transformations in a JavaScript sandbox.",
  prompt: `You are the analyst. Work out numbers exactly: use the calculator for arithmetic and run_javascript for anything longer (tables, loops, statistics). Never do arithmetic in your head.
Report the result, how you got it, and the inputs you used.`,
  tools: ["calculator", "run_javascript"],
  maxIterations: 8,
});
