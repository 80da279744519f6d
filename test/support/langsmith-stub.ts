/**
 * A local HTTP server implementing the LangSmith ingestion API the `langsmith` client uses
 * (`GET /info`, `POST /runs/multipart`, `POST /runs/batch`, and `GET /runs/:id` for trace
 * links). It records every request body (decompressed) and merges run creates and updates
 * into runs, so tests can assert the trace tree that LangSmith would show.
 *
 *   const langsmith = await startLangSmithStub();            // multipart, like LangSmith today
 *   const legacy = await startLangSmithStub({ multipart: false }); // only /runs/batch
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { answerEvalRoute, evalRecords, type LangSmithEvalRecords } from "./langsmith-stub-datasets.js";

/** A run as LangSmith received it (create merged with its updates). */
export interface ReceivedRun {
  id: string;
  name: string;
  run_type: string;
  parent_run_id?: string | null;
  trace_id?: string;
  dotted_order?: string;
  start_time?: string | number;
  end_time?: string | number;
  tags?: string[];
  extra?: { metadata?: Record<string, unknown> } & Record<string, unknown>;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  error?: string;
  session_name?: string;
  [key: string]: unknown;
}

/** A running LangSmith stub. */
export interface LangSmithStub {
  /** The endpoint for `LANGSMITH_ENDPOINT`. */
  readonly url: string;
  /** Runs by id. */
  readonly runs: Map<string, ReceivedRun>;
  /** Every ingestion body, decompressed, as text (to search for secrets). */
  readonly bodies: string[];
  /** `METHOD /path` of every request. */
  readonly requests: string[];
  /** Datasets, examples, experiments and feedback that `evaluate()` sent. */
  readonly evals: LangSmithEvalRecords;
  close(): Promise<void>;
}

/** Starts the stub on 127.0.0.1 and a free port. */
export async function startLangSmithStub(options: { multipart?: boolean } = {}): Promise<LangSmithStub> {
  const multipart = options.multipart ?? true;
  const runs = new Map<string, ReceivedRun>();
  const bodies: string[] = [];
  const requests: string[] = [];
  const evals = evalRecords();
  const merge = (run: Partial<ReceivedRun> & { id: string }) => runs.set(run.id, { ...(runs.get(run.id) ?? ({} as ReceivedRun)), ...stripUndefined(run) } as ReceivedRun);

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => send(res, 500, { detail: String(error) }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://stub");
    const path = url.pathname.replace(/^\/api\/v1/, "");
    requests.push(`${req.method} ${path}`);
    let body = await readBody(req);
    if (req.headers["content-encoding"] === "gzip") body = gunzipSync(body);
    if (req.method === "GET" && path === "/info") {
      return send(res, 200, { version: "0.12.0", batch_ingest_config: { use_multipart_endpoint: multipart, size_limit: 100, size_limit_bytes: 20_971_520 }, instance_flags: { dataset_examples_multipart_enabled: true } });
    }
    if (req.method === "POST" && path === "/runs/multipart") {
      if (!multipart) return send(res, 404, { detail: "Not Found" });
      bodies.push(body.toString("utf8"));
      const form = await new Response(body, { headers: { "content-type": String(req.headers["content-type"]) } }).formData();
      const parts = new Map<string, Record<string, unknown>>();
      for (const [name, value] of form.entries()) {
        const [operation, id, field] = name.split(".");
        if (operation === "feedback" && id) evals.feedback.push(JSON.parse(typeof value === "string" ? value : await value.text()));
        if ((operation !== "post" && operation !== "patch") || !id) continue;
        const text = typeof value === "string" ? value : await value.text();
        const parsed = JSON.parse(text);
        const run = parts.get(id) ?? { id };
        if (field) run[field] = parsed;
        else Object.assign(run, parsed);
        parts.set(id, run);
      }
      for (const run of parts.values()) merge(run as ReceivedRun);
      return send(res, 202, {});
    }
    if (req.method === "POST" && path === "/runs/batch") {
      const text = body.toString("utf8");
      bodies.push(text);
      const batch = JSON.parse(text) as { post?: ReceivedRun[]; patch?: ReceivedRun[] };
      for (const run of [...(batch.post ?? []), ...(batch.patch ?? [])]) merge(run);
      return send(res, 202, {});
    }
    const evalReply = await answerEvalRoute(evals, req.method ?? "GET", path, url.searchParams, body, String(req.headers["content-type"] ?? ""));
    if (evalReply) return send(res, evalReply.status, evalReply.body);
    const runMatch = /^\/runs\/([0-9a-f-]{36})$/.exec(path);
    if (req.method === "GET" && runMatch) {
      const run = runs.get(runMatch[1]!);
      if (!run) return send(res, 404, { detail: "Run not found" });
      return send(res, 200, { ...run, app_path: `/o/stub-tenant/projects/p/stub-project/r/${run.id}?poll=true` });
    }
    send(res, 404, { detail: `langsmith-stub: no route ${req.method} ${path}` });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    runs,
    bodies,
    requests,
    evals,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined && field !== null)) as Partial<T>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
