/**
 * `npm run eval [-- --graph supervisor --dataset core --repeat 3 --concurrency 4]`: runs the
 * eval cases, prints a table per graph, writes the JSON report, compares with a baseline. With
 * LANGSMITH_API_KEY set, the run is also a LangSmith experiment (dataset synced, feedback on
 * the traces). Exit code 0 when every run passed and nothing regressed, 1 otherwise, 64 on bad
 * usage.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { describeEnvLoad, getEnv, loadEnvSources, type Env } from "../lib/env.js";
import { InvalidInputError } from "../lib/errors.js";
import type { EvalCase } from "./case.js";
import { loadDatasets } from "./dataset-files.js";
import { runLangSmithExperiment } from "./langsmith.js";
import { progressPrinter, renderReport } from "./render.js";
import { buildReport, compareWithBaseline, reportSucceeded, type EvalReport } from "./report.js";
import { caseRunner, runEval, unrunResult, type CaseResult } from "./runner.js";

const USAGE = `Usage: npm run eval -- [options]
  --dataset <name|path>        dataset(s) of evals/datasets/, or a .jsonl/.yaml/.json file anywhere (repeatable; default all)
  --graph <id>                 only the cases of this graph (repeatable)
  --case <id>                  only this case (repeatable)
  --repeat <n>                 run every case n times; the report gives pass rate and spread (default 1)
  --concurrency <n>            runs at once (default 2)
  --timeout <ms>               per run (default 120000)
  --baseline <file>            compare with a saved report; regressions fail the eval
  --save-baseline <file>       write this run's report there as the new baseline
  --out <file>                 JSON report (default evals/reports/latest.json)
  --no-judge                   skip the LLM-as-judge correctness scorer
  --no-langsmith               stay local even with LANGSMITH_API_KEY set`;

/** Runs the eval CLI; resolves to the exit code. */
export async function main(argv: readonly string[], out: NodeJS.WriteStream = process.stdout, err: NodeJS.WriteStream = process.stderr): Promise<number> {
  let args;
  let env: Env;
  try {
    args = parseArgs({
      args: [...argv],
      options: {
        dataset: { type: "string", multiple: true, default: [] },
        graph: { type: "string", multiple: true, default: [] },
        case: { type: "string", multiple: true, default: [] },
        repeat: { type: "string", default: "1" },
        concurrency: { type: "string", default: "2" },
        timeout: { type: "string", default: "120000" },
        baseline: { type: "string" },
        "save-baseline": { type: "string" },
        out: { type: "string", default: "evals/reports/latest.json" },
        "no-judge": { type: "boolean", default: false },
        "no-langsmith": { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
    if (args.help) {
      out.write(`${USAGE}\n`);
      return 0;
    }
    env = getEnv();
  } catch (error) {
    err.write(`eval: ${(error as Error).message}\n${USAGE}\n`);
    return 64;
  }
  try {
    const repeat = positive("--repeat", args.repeat);
    const concurrency = positive("--concurrency", args.concurrency);
    const timeoutMs = positive("--timeout", args.timeout);
    const cases = loadDatasets(args.dataset, undefined, (warning) => err.write(`eval: ${warning}\n`)).filter((item) => (args.graph.length === 0 || args.graph.includes(item.graph)) && (args.case.length === 0 || args.case.includes(item.id)));
    if (cases.length === 0) throw new InvalidInputError("No case matches the --dataset / --graph / --case filters.");
    const baseline = args.baseline ? readBaseline(args.baseline) : undefined;
    const startedAt = new Date().toISOString();
    const runner = caseRunner({ env, timeoutMs, ...(args["no-judge"] ? { judge: false as const } : {}) });
    const onResult = progressPrinter(err);
    const useLangSmith = Boolean(env.LANGSMITH_API_KEY) && !args["no-langsmith"];
    // Invalid cases are reported, never synced to LangSmith: they have no run to attach feedback to.
    const runnable = useLangSmith ? cases.filter((item) => item.invalid === undefined) : cases;
    const ran = !useLangSmith
      ? await runEval({ env, cases, repeat, concurrency, execute: runner, onResult })
      : runnable.length === 0
        ? []
        : await runLangSmithExperiment({ env, cases: runnable, repeat, concurrency, runner, onResult, log: (line) => err.write(`${line}\n`) });
    const results = await everyCase(cases, repeat, ran, (item, repetition) => runner(item, repetition));
    const report: EvalReport = buildReport(results, { startedAt, model: runner.modelLabel, judge: runner.judgeLabel, repeat });
    if (baseline && args.baseline) report.baseline = { path: args.baseline, regressions: compareWithBaseline(report, baseline) };
    out.write(`${renderReport(report)}\n`);
    writeJson(args.out, report);
    err.write(`Report: ${args.out}\n`);
    if (args["save-baseline"]) {
      writeJson(args["save-baseline"], { ...report, baseline: undefined });
      err.write(`Baseline saved: ${args["save-baseline"]}\n`);
    }
    return reportSucceeded(report) ? 0 : 1;
  } catch (error) {
    err.write(`eval: ${(error as Error).message}\n`);
    return error instanceof InvalidInputError ? 64 : 1;
  }
}

/** The results of every case and repetition, in case order: a run the path left without a result is reported as such. */
async function everyCase(cases: readonly EvalCase[], repeat: number, ran: readonly CaseResult[], runInvalid: (item: EvalCase, repetition: number) => Promise<CaseResult>): Promise<CaseResult[]> {
  const byKey = new Map(ran.map((result) => [`${result.caseId}#${result.repetition}`, result]));
  const all: CaseResult[] = [];
  for (const item of cases) {
    for (let repetition = 1; repetition <= repeat; repetition += 1) {
      const found = byKey.get(`${item.id}#${repetition}`);
      if (found) all.push(found);
      else if (item.invalid !== undefined) all.push(await runInvalid(item, repetition));
      else all.push(unrunResult(item, repetition, "run", "the run left no result (the eval's fault, not the case's)"));
    }
  }
  return all;
}

function positive(flag: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidInputError(`${flag} must be a whole number of at least 1, got '${value}'.`);
  return parsed;
}

function readBaseline(path: string): EvalReport {
  if (!existsSync(path)) throw new InvalidInputError(`No baseline at ${path}: save one first with --save-baseline ${path}.`);
  try {
    const baseline = JSON.parse(readFileSync(path, "utf8")) as EvalReport;
    if (!Array.isArray(baseline.graphs) || !Array.isArray(baseline.cases)) throw new Error("it lacks 'graphs' and 'cases'");
    return baseline;
  } catch (error) {
    throw new InvalidInputError(`Baseline ${path} is not an eval report (${(error as Error).message}): save one with --save-baseline.`);
  }
}

function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

// Run only as the entry point, so tests can import main().
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  try {
    const envLoad = loadEnvSources([{ file: ".env" }]);
    if (envLoad.read.length) process.stderr.write(`${describeEnvLoad(envLoad)}\n`);
  } catch (error) {
    process.stderr.write(`eval: ${(error as Error).message}\n`);
    process.exit(64);
  }
  // A promise some library drops must not end the eval without its report: the run it belonged to fails or times out on its own.
  process.on("unhandledRejection", (reason) => process.stderr.write(`eval: a promise failed outside any case (reported, not fatal): ${(reason as Error)?.stack ?? String(reason)}\n`));
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`eval: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
