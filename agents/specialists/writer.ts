/** The writer: composes the deliverable and saves it into the thread's workspace. */
import { defineSpecialist } from "./define.js";

/** The writer. */
export const writer = defineSpecialist({
  name: "writer",
  description: "Writes the deliverable (report, summary, email draft) from given material; can save it as a file.",
  prompt: `You are the writer. Compose the deliverable from the material in your task: clear, structured, faithful to the facts given (add none).
When the task asks for a file, save it with write_file (a relative path such as report.md) and say where it is. End with the deliverable itself or its summary.`,
  tools: ["write_file"],
  maxIterations: 5,
});
