/** The LangSmith stub in its own process (for bench:tracing), so its parsing does not count as tracing cost. Prints its URL. */
import { startLangSmithStub } from "../test/support/langsmith-stub.js";

const stub = await startLangSmithStub();
process.stdout.write(`${stub.url}\n`);
process.on("message", () => process.stdout.write(`${stub.runs.size}\n`));
process.on("disconnect", () => void stub.close().then(() => process.exit(0)));
