/**
 * Crons on BullMQ job schedulers: each cron is one scheduler (id = cron id) in Redis, which adds
 * one job per tick with an id made of the scheduler id and the tick's time, so however many
 * processes run, a tick exists once; a worker in every process takes ticks as they come, and a
 * process that dies leaves the next ticks to the others (a tick it held is retried after the
 * stall interval, and one that failed for an outage after a backoff; the fire step creates a
 * tick's run at most once, so no retry creates a second).
 */
import { Queue, Worker } from "bullmq";
import type { Logger } from "../../../lib/logger.js";
import type { CronScheduler, CronTiming, FireCron } from "../cron-scheduler.js";
import { openQueueConnection, type QueueConnection, type QueueRedisOptions } from "./connection.js";

const QUEUE_NAME = "crons";
// A tick whose run could not be created for an outage is tried again (creating it is idempotent per tick).
const TICK_RETRIES = { attempts: 4, backoff: { type: "exponential", delay: 1_000 } };

/** The hash-tagged BullMQ prefix of the cron queue for a Switchboard key prefix. */
export function cronQueuePrefixFor(keyPrefix: string): string {
  return `{${keyPrefix}crons}`;
}

/** A CronScheduler on BullMQ; see the module comment. */
export class BullMqCronScheduler implements CronScheduler {
  private readonly producer: QueueConnection;
  private readonly queue: Queue<{ cronId: string }>;
  private readonly prefix: string;
  private worker: Worker<{ cronId: string }> | undefined;
  private workerConnection: QueueConnection | undefined;

  constructor(
    private readonly redis: QueueRedisOptions,
    keyPrefix: string,
    private readonly logger: Logger,
  ) {
    this.prefix = cronQueuePrefixFor(keyPrefix);
    this.producer = openQueueConnection({ ...redis, name: "switchboard-crons" }, "producer");
    this.producer.on("error", (error: Error) => logger.debug({ err: error }, "cron queue connection error"));
    this.queue = new Queue(QUEUE_NAME, { connection: this.producer, prefix: this.prefix });
  }

  async upsert(cron: CronTiming): Promise<void> {
    await this.queue.upsertJobScheduler(
      cron.cron_id,
      { pattern: cron.schedule, tz: cron.timezone, ...(cron.end_time ? { endDate: new Date(cron.end_time) } : {}) },
      { name: "fire", data: { cronId: cron.cron_id }, opts: { removeOnComplete: 100, removeOnFail: 100, ...TICK_RETRIES } },
    );
  }

  async remove(cronId: string): Promise<void> {
    await this.queue.removeJobScheduler(cronId);
  }

  async start(fire: FireCron): Promise<void> {
    this.workerConnection = openQueueConnection({ ...this.redis, name: "switchboard-cron-worker" }, "worker");
    this.workerConnection.on("error", (error: Error) => this.logger.debug({ err: error }, "cron worker connection error"));
    this.worker = new Worker(QUEUE_NAME, async (job) => fire(job.data.cronId, job.id ?? `${job.data.cronId}:${job.timestamp}`), {
      connection: this.workerConnection,
      prefix: this.prefix,
      concurrency: 4,
    });
    this.worker.on("error", (error: Error) => this.logger.warn({ err: error }, "cron worker error"));
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    this.workerConnection?.disconnect();
    this.producer.disconnect();
  }
}
