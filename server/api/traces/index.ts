/** Tracing for the server: the trace route and the cost metrics (mounted by the app). */
export { traceRoutes, type TraceRouteDeps } from "./routes.js";
export { registerCostMetrics, type CostMetrics } from "./metrics.js";
