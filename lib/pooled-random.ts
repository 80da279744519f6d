/**
 * Random bytes for small `crypto.getRandomValues` calls from a pool, as Node's own
 * `crypto.randomUUID()` does. LangChain core and the LangSmith SDK make a UUID (v6/v7) for every
 * runnable a graph step touches, each with its own 16-byte `getRandomValues` call; one OpenSSL
 * call per UUID was 5–9 % of a trivial run's CPU on the server. The bytes are the same CSPRNG's,
 * each handed out once and zeroed in the pool; large or unusual requests go to Node unchanged.
 */
import { randomFillSync } from "node:crypto";

const POOL_BYTES = 4_096;
/** Requests up to this size are served from the pool (a UUID takes 16). */
const POOLED_MAX_BYTES = 64;

type IntegerArray = Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

const INTEGER_ARRAYS = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array];

let installed = false;

/**
 * Makes the process's `crypto.getRandomValues` serve small integer arrays from a pooled buffer
 * refilled by `randomFillSync`. Idempotent; call once at start-up (server and CLI entry points).
 */
export function installPooledRandomValues(): void {
  if (installed) return;
  installed = true;
  const webCrypto = globalThis.crypto;
  const original = webCrypto.getRandomValues.bind(webCrypto);
  const pool = Buffer.alloc(POOL_BYTES);
  let offset = POOL_BYTES;
  const pooled = <T extends ArrayBufferView | null>(array: T): T => {
    if (!array || array.byteLength > POOLED_MAX_BYTES || !INTEGER_ARRAYS.some((type) => array instanceof type)) return original(array as IntegerArray) as unknown as T;
    const size = array.byteLength;
    if (offset + size > POOL_BYTES) {
      randomFillSync(pool);
      offset = 0;
    }
    new Uint8Array(array.buffer, array.byteOffset, size).set(pool.subarray(offset, offset + size));
    pool.fill(0, offset, offset + size);
    offset += size;
    return array;
  };
  Object.defineProperty(webCrypto, "getRandomValues", { value: pooled, configurable: true, writable: true });
}
