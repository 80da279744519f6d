/**
 * Switchboard's error family. Each class says who is at fault and carries what the
 * caller needs to act; messages say what to do next.
 *
 * LangGraph's control-flow errors (`GraphInterrupt`, `ParentCommand`) are not part of
 * this family and must never be caught and wrapped by code that throws these.
 */

/** Fields every Switchboard error may carry. */
export interface SwitchboardErrorOptions {
  /** The underlying error, kept for logs and stack traces. */
  cause?: unknown;
}

/** Base class: a Switchboard error with a stable machine-readable code and an HTTP status. */
export class SwitchboardError extends Error {
  /** Stable, machine-readable error code (snake_case). */
  readonly code: string;
  /** HTTP status the server answers with when this error reaches a request. */
  readonly status: number;

  constructor(code: string, status: number, message: string, options: SwitchboardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = status;
  }
}

/** The operator's configuration is wrong (an environment variable, a config file, a graph definition). */
export class ConfigError extends SwitchboardError {
  /** The setting at fault, e.g. `REDIS_URL`. */
  readonly setting: string | undefined;

  constructor(message: string, options: SwitchboardErrorOptions & { setting?: string } = {}) {
    super("config_error", 500, message, options);
    this.setting = options.setting;
  }
}

/** A caller sent input that cannot be accepted (bad body, bad arguments, bad id). */
export class InvalidInputError extends SwitchboardError {
  /** Per-field problems, when the input was validated against a schema. */
  readonly issues: readonly { path: string; message: string }[];

  constructor(message: string, options: SwitchboardErrorOptions & { issues?: { path: string; message: string }[] } = {}) {
    super("invalid_input", 422, message, options);
    this.issues = options.issues ?? [];
  }
}

/** The thing asked for does not exist (or is not visible to the caller). */
export class NotFoundError extends SwitchboardError {
  /** What kind of thing was looked up, e.g. `thread`. */
  readonly resource: string;
  /** The id that was looked up. */
  readonly id: string;

  /** `options.message` replaces the default wording (the server words some as the reference does). */
  constructor(resource: string, id: string, options: SwitchboardErrorOptions & { message?: string } = {}) {
    super("not_found", 404, options.message ?? `${resource} '${id}' was not found.`, options);
    this.resource = resource;
    this.id = id;
  }
}

/** The request conflicts with the current state (a busy thread, a duplicate id). */
export class ConflictError extends SwitchboardError {
  constructor(message: string, options: SwitchboardErrorOptions = {}) {
    super("conflict", 409, message, options);
  }
}

/** The model did something the runtime cannot use (malformed output, unknown tool, broken schema). */
export class ModelBehaviorError extends SwitchboardError {
  constructor(message: string, options: SwitchboardErrorOptions = {}) {
    super("model_behavior", 502, message, options);
  }
}

/** A run went over one of its budgets (iterations, tokens, cost, tool calls). */
export class BudgetExceededError extends SwitchboardError {
  /** Which budget ran out, e.g. `tokens`. */
  readonly budget: string;
  /** The configured limit. */
  readonly limit: number;
  /** What was used when the limit was hit. */
  readonly used: number;

  constructor(budget: string, limit: number, used: number, options: SwitchboardErrorOptions = {}) {
    super("budget_exceeded", 429, `The ${budget} budget is exhausted: used ${used} of ${limit}.`, options);
    this.budget = budget;
    this.limit = limit;
    this.used = used;
  }
}

/** The runtime detected a reasoning loop it could not break. */
export class LoopDetectedError extends SwitchboardError {
  constructor(message: string, options: SwitchboardErrorOptions = {}) {
    super("loop_detected", 409, message, options);
  }
}

/** A dependency we rely on (Redis, the model endpoint) is unreachable or failing. */
export class UpstreamUnavailableError extends SwitchboardError {
  /** The dependency, e.g. `redis`. */
  readonly upstream: string;
  /** The operation that failed, e.g. `RedisSaver.put`. */
  readonly operation: string;
  /** Seconds after which a retry is reasonable. */
  readonly retryAfterSeconds: number;

  constructor(
    upstream: string,
    operation: string,
    message: string,
    options: SwitchboardErrorOptions & { retryAfterSeconds?: number } = {},
  ) {
    super("upstream_unavailable", 503, message, options);
    this.upstream = upstream;
    this.operation = operation;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
  }
}

/** Stored data could not be decoded: it was written by something else or damaged. */
export class DataCorruptionError extends SwitchboardError {
  /** The storage key (and field) holding the bad data. */
  readonly key: string;

  constructor(key: string, message: string, options: SwitchboardErrorOptions = {}) {
    super("data_corruption", 500, message, options);
    this.key = key;
  }
}

/** A worker lost its lease on a thread (it expired or another worker took over): it must stop writing. */
export class LeaseLostError extends SwitchboardError {
  /** The thread whose lease was lost. */
  readonly threadId: string;

  constructor(threadId: string, message: string, options: SwitchboardErrorOptions = {}) {
    super("lease_lost", 409, message, options);
    this.threadId = threadId;
  }
}
