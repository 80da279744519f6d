/**
 * `npm run chaos [-- runs kills]`: the chaos bar. 100 supervisor runs that each send a webhook
 * (default), on 4 worker processes behind 1 API process, while a worker holding runs is killed
 * with SIGKILL 20 times (and replaced). Bar: every run finished, 0 lost, 0 duplicated side effects.
 * Needs Redis on REDIS_URL (default 127.0.0.1:6379); uses a fresh key prefix and cleans it up.
 */
import { runChaos } from "../test/support/chaos.js";

const [runs = 100, kills = 20] = process.argv.slice(2).map(Number);
const started = Date.now();
const stamp = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s`;
const report = await runChaos({ runs, kills, workers: 4, concurrency: 4, delayMs: 250, killEveryMs: 1_000, timeoutMs: 600_000, log: (line) => console.log(`${stamp()}  ${line}`) });
console.log("");
console.log(`runs                      ${report.runs}`);
console.log(`finished                  ${report.finished}`);
console.log(`ended otherwise           ${report.failed}`);
console.log(`lost (not ended)          ${report.lost}`);
console.log(`SIGKILLs                  ${report.kills}`);
console.log(`runs held by killed workers ${report.runsHitByKills}`);
console.log(`duplicated side effects   ${report.duplicatedSideEffects} (of which with a repeated Idempotency-Key: ${report.repeatedIdempotencyKeys})`);
console.log(`missing side effects      ${report.missingSideEffects}`);
console.log(`elapsed                   ${report.seconds} s`);
const pass = report.finished === report.runs && report.lost === 0 && report.duplicatedSideEffects === 0 && report.kills >= kills;
console.log(`bar (${kills} kills across ${runs} runs -> ${runs} finished, 0 lost, 0 duplicated): ${pass ? "PASS" : "FAIL"}`);
process.exit(pass ? 0 : 1);
