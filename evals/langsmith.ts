/**
 * The LangSmith path (LANGSMITH_API_KEY set): the same runs, as one LangSmith experiment made by
 * `langsmith`'s `evaluate()`. The cases are synced to a dataset first (one example per case,
 * keyed by case id in its metadata; changed cases are updated), the experiment runs the
 * selected examples `repeat` times, and every scorer's verdict becomes feedback on its run's
 * trace. The local report is built from the same results.
 */
import type { Client } from "langsmith";
import { evaluate } from "langsmith/evaluation";
import type { Example } from "langsmith/schemas";
import type { Env } from "../lib/env.js";
import { langsmithClient } from "../tracing/index.js";
import type { EvalCase } from "./case.js";
import type { CaseResult, CaseRunner } from "./runner.js";

/** The dataset the shipped cases are synced to. */
export const LANGSMITH_DATASET = "switchboard-evals";

/** Options of a LangSmith experiment run. */
export interface LangSmithRunOptions {
  env: Env;
  cases: readonly EvalCase[];
  repeat: number;
  concurrency: number;
  runner: CaseRunner;
  onResult?: (result: CaseResult, done: number, total: number) => void;
  log?: (line: string) => void;
  /** The dataset's name (default LANGSMITH_DATASET). */
  dataset?: string;
}

/** Runs the cases as one LangSmith experiment; the results in case order, repetitions together. */
export async function runLangSmithExperiment(options: LangSmithRunOptions): Promise<CaseResult[]> {
  const client = langsmithClient(options.env);
  const examples = await syncDataset(client, options.dataset ?? LANGSMITH_DATASET, options.cases);
  const byId = new Map(options.cases.map((item) => [item.id, item]));
  const results = new Map<string, CaseResult>();
  const repetitions = new Map<string, number>();
  const total = options.cases.length * options.repeat;
  const target = async (inputs: Record<string, unknown>) => {
    const item = byId.get(String(inputs.case_id));
    if (!item) throw new Error(`LangSmith example names case '${String(inputs.case_id)}', which this run does not hold.`);
    const repetition = (repetitions.get(item.id) ?? 0) + 1;
    repetitions.set(item.id, repetition);
    const result = await options.runner(item, repetition);
    const resultId = `${item.id}#${repetition}`;
    results.set(resultId, result);
    options.onResult?.(result, results.size, total);
    return { result_id: resultId, status: result.run.status, status_reason: result.run.statusReason, answer: result.run.answer, agents: result.run.agents, tools: result.run.toolCalls.map((call) => call.tool), usage: result.run.usage, passed: result.passed };
  };
  // Each scorer's verdict, attached to the run it judged.
  const feedback = ({ outputs }: { outputs: Record<string, unknown> }) => {
    const result = results.get(String(outputs.result_id));
    const scores = result?.scores ?? [{ key: "scoring", score: 0, comment: "the run left no result to score" }];
    return { results: [...scores.map((score) => ({ key: score.key, score: score.score, comment: score.comment })), { key: "passed", score: result?.passed ? 1 : 0, comment: result?.why.join("; ") || "every scorer passed" }] };
  };
  const experiment = await evaluate(target, {
    data: examples,
    evaluators: [feedback],
    client,
    experimentPrefix: "switchboard-eval",
    description: `npm run eval: ${options.cases.length} case(s) × ${options.repeat} on ${options.runner.modelLabel}`,
    metadata: { model: options.runner.modelLabel, judge: options.runner.judgeLabel, repeat: options.repeat },
    maxConcurrency: options.concurrency,
    numRepetitions: options.repeat,
  });
  await client.awaitPendingTraceBatches();
  options.log?.(`LangSmith experiment: ${experiment.experimentName} (dataset ${options.dataset ?? LANGSMITH_DATASET})`);
  return options.cases.flatMap((item) => Array.from({ length: options.repeat }, (_, index) => results.get(`${item.id}#${index + 1}`)).filter((result): result is CaseResult => result !== undefined));
}

/** Makes the dataset hold every case (created, or updated when changed); the examples of `cases`. */
export async function syncDataset(client: Client, name: string, cases: readonly EvalCase[]): Promise<Example[]> {
  const dataset = (await client.hasDataset({ datasetName: name }))
    ? await client.readDataset({ datasetName: name })
    : await client.createDataset(name, { description: "Switchboard goal-completion eval cases (synced by npm run eval)." });
  const existing = new Map<string, Example>();
  for await (const example of client.listExamples({ datasetId: dataset.id })) existing.set(String(example.metadata?.case_id ?? ""), example);
  const wanted = cases.map((item) => ({ item, inputs: exampleInputs(item), outputs: { expect: item.expect as unknown as Record<string, unknown> }, metadata: { case_id: item.id, graph: item.graph, dataset: item.dataset } }));
  const missing = wanted.filter(({ item }) => !existing.has(item.id));
  if (missing.length > 0) await client.createExamples(missing.map(({ inputs, outputs, metadata }) => ({ inputs, outputs, metadata, dataset_id: dataset.id })));
  for (const { item, inputs, outputs, metadata } of wanted) {
    const example = existing.get(item.id);
    if (example && JSON.stringify([example.inputs, example.outputs]) !== JSON.stringify([inputs, outputs])) await client.updateExample(example.id, { inputs, outputs, metadata, dataset_id: dataset.id });
  }
  const synced = new Map<string, Example>();
  for await (const example of client.listExamples({ datasetId: dataset.id })) synced.set(String(example.metadata?.case_id ?? ""), example);
  return cases.map((item) => {
    const example = synced.get(item.id);
    if (!example) throw new Error(`LangSmith did not keep the example of case '${item.id}' in dataset '${name}' (check LANGSMITH_ENDPOINT and the key's permissions).`);
    return example;
  });
}

function exampleInputs(item: EvalCase): Record<string, unknown> {
  return { case_id: item.id, graph: item.graph, goal: item.goal, limits: item.limits, approvals: item.approvals, tool_policies: item.toolPolicies, script: item.script ?? null };
}
