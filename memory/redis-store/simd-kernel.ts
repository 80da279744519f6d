/**
 * A tiny WebAssembly SIMD kernel for the vector scan: `dot(query, matrix, rows, dims, out)` writes
 * the Float32 dot product of the query with each matrix row. Four lanes at a time and no bounds
 * checks make it several times faster than the scalar loop; the ranking re-scores the best
 * candidates exactly in float64, so results stay exact.
 *
 * The module is assembled here from its instructions (listed as WAT in the comments) rather than
 * shipped as an opaque binary; it imports its memory so each mirror owns its own.
 */

const I32 = 0x7f;
const V128 = 0x7b;
const op = {
  block: [0x02, 0x40], loop: [0x03, 0x40], end: [0x0b], br: 0x0c, brIf: 0x0d,
  get: 0x20, set: 0x21, i32Const: 0x41, i32Add: 0x6a, i32GeU: 0x4f, f32Add: 0x92, f32Store: [0x38, 0x02, 0x00],
  v128Load: [0xfd, 0x00, 0x00, 0x00], v128Zero: [0xfd, 0x0c, ...new Array(16).fill(0)],
  f32x4Add: [0xfd, 0xe4, 0x01], f32x4Mul: [0xfd, 0xe6, 0x01], extractLane: (lane: number) => [0xfd, 0x1f, lane],
};
// Locals: 0 query, 1 matrix, 2 rows, 3 dims, 4 out (params); 5 row, 6 d, 7 q; 8 acc (v128).
const [QUERY, MATRIX, ROWS, DIMS, OUT, ROW, D, Q, ACC] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const get = (local: number) => [op.get, local];
const set = (local: number) => [op.set, local];
const addTo = (local: number, amount: number) => [...get(local), op.i32Const, amount, op.i32Add, ...set(local)];

const body = [
  ...op.block, ...op.loop, //                         block $done  loop $rows
  ...get(ROW), ...get(ROWS), op.i32GeU, op.brIf, 1, //  br_if $done (row >= rows)
  ...op.v128Zero, ...set(ACC), ...get(QUERY), ...set(Q), op.i32Const, 0, ...set(D),
  ...op.block, ...op.loop, //                         block $row-done  loop $dims
  ...get(D), ...get(DIMS), op.i32GeU, op.brIf, 1,
  ...get(ACC), ...get(MATRIX), ...op.v128Load, ...get(Q), ...op.v128Load, ...op.f32x4Mul, ...op.f32x4Add, ...set(ACC),
  ...addTo(MATRIX, 16), ...addTo(Q, 16), ...addTo(D, 4),
  op.br, 0, ...op.end, ...op.end, //                  br $dims  end  end
  ...get(OUT), //                                     out[row] = sum of the four lanes
  ...get(ACC), ...op.extractLane(0), ...get(ACC), ...op.extractLane(1), op.f32Add,
  ...get(ACC), ...op.extractLane(2), op.f32Add, ...get(ACC), ...op.extractLane(3), op.f32Add, ...op.f32Store,
  ...addTo(OUT, 4), ...addTo(ROW, 1),
  op.br, 0, ...op.end, ...op.end, //                  br $rows  end  end
  ...op.end,
];

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

const text = (name: string) => [name.length, ...Buffer.from(name)];
const locals = [0x02, 0x03, I32, 0x01, V128];
const functionBody = [...locals, ...body];

/** The kernel's module bytes. */
export const KERNEL_BYTES = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, [0x01, 0x60, 0x05, I32, I32, I32, I32, I32, 0x00]), // type (i32 × 5) -> ()
  ...section(2, [0x01, ...text("env"), ...text("memory"), 0x02, 0x00, 0x01]), // import env.memory (min 1 page)
  ...section(3, [0x01, 0x00]), // one function of type 0
  ...section(7, [0x01, ...text("dot"), 0x00, 0x00]), // export "dot"
  ...section(10, [0x01, ...uleb(functionBody.length), ...functionBody]),
]);

// The project's TypeScript lib has no DOM/WebAssembly typings; these are the few members used.
/** A WebAssembly linear memory. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** Bytes of a WebAssembly page. */
export const WASM_PAGE = 65_536;

let compiled: object | null | undefined;

/** The compiled kernel, or null where WebAssembly SIMD is unavailable (callers fall back to JS). */
export function simdKernel(): object | null {
  if (compiled === undefined) {
    try {
      compiled = wasm?.validate(KERNEL_BYTES) ? new wasm.Module(KERNEL_BYTES) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** The kernel's entry point, bound to a memory. */
export type DotKernel = (query: number, matrix: number, rows: number, dims: number, out: number) => void;

/** A memory of `pages` pages with the kernel bound to it. */
export function kernelOnNewMemory(module: object, pages: number): { memory: WasmMemory; dot: DotKernel } {
  const memory = new wasm!.Memory({ initial: pages });
  const instance = new wasm!.Instance(module, { env: { memory } });
  return { memory, dot: instance.exports.dot as DotKernel };
}
