/**
 * Completion webhooks on a BullMQ queue, so a delivery outlives the process that queued it: one
 * job per run (job id = run id, so two processes reporting the same end queue it once; finished
 * jobs are kept a day for that), retried by BullMQ with exponential backoff and jitter, taken by
 * a worker in every server and worker process. A process that dies between attempts leaves the
 * job delayed in Redis; one that dies during an attempt leaves it stalled, and another process
 * retries it after the lock lapses. Receivers drop repeats by `Idempotency-Key` (the run id).
 */
import { Queue, UnrecoverableError, Worker } from "bullmq";
import type { Logger } from "../../../lib/logger.js";
import { attemptWebhook, countWebhookAttempt, type WebhookOptions } from "../webhooks.js";
import { openQueueConnection, type QueueConnection, type QueueRedisOptions } from "./connection.js";

const QUEUE_NAME = "webhooks";
const KEEP_FINISHED = { age: 24 * 3600, count: 10_000 };
// Short, and renewed by BullMQ while an attempt runs (each is cut at 10 s): a dead process's attempt is retried soon.
const LOCK_MS = 15_000;

/** One delivery: where, for which run, and the JSON body (signed per attempt). */
export interface WebhookJob {
  url: string;
  runId: string;
  body: string;
}

/** The hash-tagged BullMQ prefix of the webhook queue for a Switchboard key prefix. */
export function webhookQueuePrefixFor(keyPrefix: string): string {
  return `{${keyPrefix}webhooks}`;
}

/** Durable webhook deliveries on BullMQ; see the module comment. */
export class BullMqWebhookQueue {
  private readonly producer: QueueConnection;
  private readonly queue: Queue<WebhookJob>;
  private readonly prefix: string;
  private worker: Worker<WebhookJob> | undefined;
  private workerConnection: QueueConnection | undefined;

  constructor(
    private readonly redis: QueueRedisOptions,
    keyPrefix: string,
    private readonly options: WebhookOptions,
  ) {
    this.prefix = webhookQueuePrefixFor(keyPrefix);
    this.producer = openQueueConnection({ ...redis, name: "switchboard-webhooks" }, "producer");
    this.producer.on("error", (error: Error) => options.logger.debug({ err: error }, "webhook queue connection error"));
    this.queue = new Queue(QUEUE_NAME, { connection: this.producer, prefix: this.prefix });
  }

  /** Queues the run's delivery once (a second call for the same run is a no-op); never throws. */
  async send(url: string, runId: string, payload: Record<string, unknown>): Promise<void> {
    const job: WebhookJob = { url, runId, body: JSON.stringify(payload) };
    await this.queue
      .add("deliver", job, {
        jobId: runId,
        attempts: this.options.attempts,
        backoff: { type: "exponential", delay: this.options.baseDelayMs, jitter: 0.5 },
        removeOnComplete: KEEP_FINISHED,
        removeOnFail: KEEP_FINISHED,
      })
      .catch((error: unknown) => this.options.logger.warn({ err: error, runId, url }, "a run's completion webhook could not be queued"));
  }

  /** Starts taking deliveries in this process. */
  async start(): Promise<void> {
    this.workerConnection = openQueueConnection({ ...this.redis, name: "switchboard-webhook-worker" }, "worker");
    this.workerConnection.on("error", (error: Error) => this.options.logger.debug({ err: error }, "webhook worker connection error"));
    this.worker = new Worker<WebhookJob>(QUEUE_NAME, (job) => this.attempt(job.data, job.attemptsMade + 1, job.opts.attempts ?? 1), {
      connection: this.workerConnection,
      prefix: this.prefix,
      concurrency: 8,
      lockDuration: LOCK_MS,
      stalledInterval: LOCK_MS,
    });
    this.worker.on("error", (error: Error) => this.options.logger.warn({ err: error }, "webhook worker error"));
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    this.workerConnection?.disconnect();
    this.producer.disconnect();
  }

  /** One attempt; a failure worth retrying throws so BullMQ schedules the next one, a final one throws unrecoverably. */
  private async attempt(job: WebhookJob, attempt: number, attempts: number): Promise<void> {
    const result = await attemptWebhook(job.url, job.runId, job.body, this.options);
    const counted = countWebhookAttempt(result, attempt >= attempts, job.runId, job.url, attempt, this.options);
    if (result.outcome === "delivered") return;
    if (counted === "failed") throw new UnrecoverableError(`webhook not delivered: ${result.problem}`);
    throw new Error(`webhook attempt ${attempt} failed: ${result.problem}`);
  }
}
