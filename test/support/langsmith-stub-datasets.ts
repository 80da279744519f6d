/**
 * The dataset, example, experiment (session) and feedback routes of the LangSmith stub, which
 * `evaluate()` uses: kept apart from the run-ingestion routes in `langsmith-stub.ts`. Records
 * what arrived so tests can assert a dataset was synced, an experiment made and feedback given.
 */
import { randomUUID } from "node:crypto";

type Named = Record<string, unknown> & { id: string; name: string };
type StoredExample = Record<string, unknown> & { id: string; dataset_id: string };
type Feedback = Record<string, unknown> & { key: string; run_id?: string };

/** What the evaluation routes received. */
export interface LangSmithEvalRecords {
  datasets: Map<string, Named>;
  examples: Map<string, StoredExample>;
  sessions: Map<string, Named>;
  feedback: Feedback[];
}

/** Empty records. */
export function evalRecords(): LangSmithEvalRecords {
  return { datasets: new Map(), examples: new Map(), sessions: new Map(), feedback: [] };
}

type Reply = { status: number; body: unknown } | undefined;

/** Answers an evaluation route, or undefined when `path` is not one. */
export async function answerEvalRoute(records: LangSmithEvalRecords, method: string, path: string, query: URLSearchParams, body: Buffer, contentType: string): Promise<Reply> {
  const json = () => (body.length > 0 ? (JSON.parse(body.toString("utf8")) as Record<string, unknown>) : {});
  const now = new Date().toISOString();
  if (path === "/datasets" && method === "GET") {
    const name = query.get("name") ?? query.get("dataset_name");
    const ids = query.getAll("id");
    return ok([...records.datasets.values()].filter((dataset) => (!name || dataset.name === name) && (ids.length === 0 || ids.includes(dataset.id))));
  }
  if (path === "/datasets" && method === "POST") {
    const dataset = { ...json(), id: randomUUID(), created_at: now, modified_at: now, example_count: 0 } as unknown as Named;
    records.datasets.set(dataset.id, dataset);
    return ok(dataset);
  }
  const datasetMatch = /^\/datasets\/([0-9a-f-]{36})(\/.*)?$/.exec(path);
  if (datasetMatch && method === "GET" && !datasetMatch[2]) return records.datasets.has(datasetMatch[1]!) ? ok(records.datasets.get(datasetMatch[1]!)) : notFound();
  if (datasetMatch && datasetMatch[2] === "/version" && method === "GET") return ok({ as_of: now, tags: [] });
  // The multipart examples endpoint createExamples and updateExample use: parts `<id>`, `<id>.inputs`, `<id>.outputs`.
  const platformMatch = /^(?:\/v1)?\/platform\/datasets\/([0-9a-f-]{36})\/examples$/.exec(path);
  if (platformMatch && (method === "POST" || method === "PATCH")) {
    const form = await new Response(body, { headers: { "content-type": contentType } }).formData();
    const parts = new Map<string, Record<string, unknown>>();
    for (const [name, value] of form.entries()) {
      const [id, field] = name.split(".");
      const parsed = JSON.parse(typeof value === "string" ? value : await value.text()) as unknown;
      const example = parts.get(id!) ?? {};
      if (field) example[field] = parsed;
      else Object.assign(example, parsed);
      parts.set(id!, example);
    }
    for (const [id, example] of parts) storeExample(records, { ...(records.examples.get(id) ?? { created_at: now }), ...example, id, dataset_id: platformMatch[1]!, modified_at: now });
    return ok({ count: parts.size, example_ids: [...parts.keys()] });
  }
  if (path === "/examples" && method === "GET") {
    const dataset = query.get("dataset");
    const ids = query.getAll("id");
    const all = [...records.examples.values()].filter((example) => (!dataset || example.dataset_id === dataset) && (ids.length === 0 || ids.includes(example.id)));
    const offset = Number(query.get("offset") ?? 0);
    return ok(all.slice(offset, offset + Number(query.get("limit") ?? 100)));
  }
  if ((path === "/examples/bulk" || path === "/examples") && method === "POST") {
    const parsed = JSON.parse(body.toString("utf8")) as Record<string, unknown> | Record<string, unknown>[];
    const created = (Array.isArray(parsed) ? parsed : [parsed]).map((example) => storeExample(records, { ...example, id: (example.id as string | undefined) ?? randomUUID(), created_at: now, modified_at: now }));
    return ok(Array.isArray(parsed) ? created : created[0]);
  }
  const exampleMatch = /^\/examples\/([0-9a-f-]{36})$/.exec(path);
  if (exampleMatch && method === "GET") return records.examples.has(exampleMatch[1]!) ? ok(records.examples.get(exampleMatch[1]!)) : notFound();
  if (exampleMatch && method === "PATCH") {
    const existing = records.examples.get(exampleMatch[1]!);
    if (!existing) return notFound();
    storeExample(records, { ...existing, ...json(), id: existing.id, modified_at: now });
    return ok({ message: "updated" });
  }
  if (path === "/sessions" && method === "POST") {
    const session = { ...json(), id: (json().id as string | undefined) ?? randomUUID(), start_time: now } as unknown as Named;
    records.sessions.set(session.id, session);
    return ok(session);
  }
  if (path === "/sessions" && method === "GET") {
    const name = query.get("name");
    return ok([...records.sessions.values()].filter((session) => !name || session.name === name));
  }
  const sessionMatch = /^\/sessions\/([0-9a-f-]{36})$/.exec(path);
  if (sessionMatch && (method === "PATCH" || method === "GET")) {
    const session = records.sessions.get(sessionMatch[1]!);
    if (!session) return notFound();
    // An update sends every field, unset ones as null: only what it sets changes.
    if (method === "PATCH") Object.assign(session, Object.fromEntries(Object.entries(json()).filter(([, value]) => value !== null && value !== undefined)));
    return ok(session);
  }
  if (path === "/feedback" && method === "POST") {
    const feedback = { ...json(), id: (json().id as string | undefined) ?? randomUUID() } as unknown as Feedback;
    records.feedback.push(feedback);
    return ok(feedback);
  }
  return undefined;
}

function storeExample(records: LangSmithEvalRecords, example: Record<string, unknown>): Record<string, unknown> {
  const stored = example as StoredExample;
  records.examples.set(stored.id, stored);
  return stored;
}

function ok(body: unknown): Reply {
  return { status: 200, body };
}

function notFound(): Reply {
  return { status: 404, body: { detail: "Not found" } };
}
