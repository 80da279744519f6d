// The calculator's evaluator: mathjs as a library of number types and functions, driven by our own
// walk over the parsed expression, which accepts only an allow-list of node types, operators,
// functions, constants and units. No expression can reach `config`, `import`, assignments,
// function definitions, property access, ranges or strings, so the engine cannot be changed
// and every call sees the same defaults. Every intermediate value is checked: results beyond
// 2^±MAX_RESULT_BITS, exact fractions above MAX_FRACTION_BITS and matrices above
// MAX_MATRIX_ELEMENTS are refused (or, for a fraction, answered in decimals) before they are built.
// Plain JavaScript so it loads in a worker under node, tsx and vitest alike (types: .d.mts).
import { all, create } from "mathjs";

export const MAX_RESULT_BITS = 16_384;
export const MAX_FRACTION_BITS = 16_384;
export const MAX_MATRIX_ELEMENTS = 1_000;
export const MAX_FACTORIAL = 1_000;
export const MAX_DIGITS = 64;

const OPERATORS = new Set([
  "add", "subtract", "multiply", "divide", "pow", "unaryMinus", "unaryPlus", "mod", "factorial", "to",
  "dotMultiply", "dotDivide", "dotPow", "ctranspose", "larger", "smaller", "largerEq", "smallerEq", "equal", "unequal",
]);
const FUNCTIONS = new Set([
  // arithmetic and rounding
  "abs", "add", "subtract", "multiply", "divide", "mod", "pow", "sqrt", "cbrt", "nthRoot", "exp", "expm1", "log", "log10", "log2",
  "log1p", "sign", "gcd", "lcm", "hypot", "ceil", "floor", "fix", "round", "factorial", "gamma", "combinations", "permutations",
  // trigonometry
  "sin", "cos", "tan", "sec", "csc", "cot", "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh",
  // statistics over small arrays
  "mean", "median", "mode", "std", "variance", "min", "max", "sum", "prod",
  // small matrices, complex numbers, units
  "det", "inv", "transpose", "trace", "dot", "cross", "norm", "size", "re", "im", "conj", "arg", "to",
]);
const CONSTANTS = new Set(["pi", "e", "tau", "phi", "i"]);
const POWERS = new Set(["pow", "dotPow"]);
const COUNTING = new Set(["factorial", "gamma", "combinations", "permutations"]);
const DIGITS_ARGUMENT = new Set(["round", "floor", "ceil", "fix"]);
// e^x overflows the result bound past this |x|; decimal.js would spend seconds getting there.
const EXPONENTIAL = new Set(["exp", "expm1", "sinh", "cosh", "tanh"]);
const MAX_EXPONENTIAL_ARGUMENT = MAX_RESULT_BITS * Math.LN2;

/** A refusal the model should hear as is (not a reason to fall back to decimals). */
export class CalculatorRefusal extends Error {}
/** The exact (fraction) evaluation cannot stay exact; the decimal answer stands. */
class NotExact extends Error {}

let engines;
function mathEngines() {
  engines ??= { big: create(all, { number: "BigNumber", precision: MAX_DIGITS }), fraction: create(all, { number: "Fraction" }) };
  return engines;
}

/** The exact number of bits of a bigint's magnitude (0 for 0). */
function bitLength(value) {
  const hex = (value < 0n ? -value : value).toString(16);
  return hex === "0" ? 0 : (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0], 16)));
}

/** log2 of a positive bigint, exact enough for size estimates. */
function log2Of(value) {
  const magnitude = value < 0n ? -value : value;
  const shift = Math.max(0, bitLength(magnitude) - 53);
  return Math.log2(Number(magnitude >> BigInt(shift))) + shift;
}

/** log2 of |value| for a scalar (0 for zero), and whether it is an exact number type. */
function magnitudeBits(math, value) {
  if (math.isFraction(value)) return value.n === 0n ? 0 : log2Of(value.n) - log2Of(value.d);
  if (math.isBigNumber(value)) {
    if (value.isZero() || !value.isFinite()) return 0;
    const [mantissa, exponent] = value.toExponential(15).split("e");
    return Math.log2(Math.abs(Number(mantissa))) + Number(exponent) * Math.log2(10);
  }
  if (typeof value === "number") return value === 0 || !Number.isFinite(value) ? 0 : Math.log2(Math.abs(value));
  return 0;
}

function elementsOf(math, value) {
  return math.isMatrix(value) ? value.toArray().flat(Infinity) : Array.isArray(value) ? value.flat(Infinity) : undefined;
}

/** Refuses values the calculator does not return; in the exact engine, anything not exact. */
function check(math, exact, value) {
  const elements = elementsOf(math, value);
  if (elements) {
    if (shapeOf(math, value).length > 2) throw new CalculatorRefusal("matrices have at most 2 dimensions here");
    if (elements.length > MAX_MATRIX_ELEMENTS) throw new CalculatorRefusal(`matrices of more than ${MAX_MATRIX_ELEMENTS} elements are not supported`);
    for (const element of elements) check(math, exact, element);
    return value;
  }
  if (math.isUnit(value)) {
    if (value.value !== null && value.value !== undefined) check(math, exact, value.value);
    return value;
  }
  if (typeof value === "boolean") return value;
  if (math.isComplex(value)) {
    if (exact) throw new NotExact();
    if (!Number.isFinite(value.re) || !Number.isFinite(value.im)) throw new CalculatorRefusal("the expression has no finite value (a division by zero or an overflow)");
    return value;
  }
  if (math.isFraction(value)) {
    if (Math.abs(magnitudeBits(math, value)) > MAX_RESULT_BITS) throw tooLarge();
    if (bitLength(value.n) + bitLength(value.d) > MAX_FRACTION_BITS) throw new NotExact();
    return value;
  }
  if (math.isBigNumber(value) || typeof value === "number") {
    if (exact) throw new NotExact();
    const finite = typeof value === "number" ? Number.isFinite(value) : value.isFinite();
    if (!finite) throw new CalculatorRefusal("the expression has no finite value (a division by zero or an overflow)");
    if (Math.abs(magnitudeBits(math, value)) > MAX_RESULT_BITS) throw tooLarge();
    return value;
  }
  throw new CalculatorRefusal("the expression produced a value the calculator does not return (numbers, units, small matrices)");
}

const tooLarge = () => new CalculatorRefusal(`results beyond 2^${MAX_RESULT_BITS} (or below 2^-${MAX_RESULT_BITS}) are not supported`);

function scalarNumber(math, value) {
  if (math.isFraction(value) || math.isBigNumber(value) || typeof value === "number") return Number(value.valueOf());
  return undefined;
}

function shapeOf(math, value) {
  if (math.isMatrix(value)) return value.size();
  const shape = [];
  for (let level = value; Array.isArray(level); level = level[0]) shape.push(level.length);
  return shape;
}

function shape2(math, value) {
  if (!math.isMatrix(value) && !Array.isArray(value)) return undefined;
  const size = shapeOf(math, value);
  return size.length === 1 ? [size[0], 1] : [size[0], size[1]];
}

/** Checks a call's arguments before it runs, so nothing oversized is ever built. */
function precheck(math, exact, name, args) {
  if (POWERS.has(name) && args.length === 2) {
    const exponent = scalarNumber(math, args[1]);
    if (exponent === undefined) return;
    if (math.isMatrix(args[0]) || Array.isArray(args[0])) {
      if (name === "pow" && !(Number.isInteger(exponent) && Math.abs(exponent) <= 64)) throw new CalculatorRefusal("matrix powers are limited to integer exponents up to 64");
      return;
    }
    const base = math.isUnit(args[0]) ? args[0].value : args[0];
    const bits = Math.abs(magnitudeBits(math, base) * exponent);
    if (!(bits <= MAX_RESULT_BITS)) throw new CalculatorRefusal(`the result would need about ${Math.round(bits)} bits; results beyond 2^${MAX_RESULT_BITS} are not supported`);
    if (exact && math.isFraction(base) && Number.isInteger(exponent) && (log2Of(base.n) + log2Of(base.d)) * Math.abs(exponent) > MAX_FRACTION_BITS) throw new NotExact();
  }
  if (COUNTING.has(name)) {
    for (const arg of args) {
      const n = scalarNumber(math, arg);
      if (n !== undefined && !(Math.abs(n) <= MAX_FACTORIAL)) throw new CalculatorRefusal(`${name} is limited to arguments up to ${MAX_FACTORIAL}`);
    }
  }
  if (EXPONENTIAL.has(name) && args.length === 1) {
    const x = scalarNumber(math, args[0]);
    if (x !== undefined && !(Math.abs(x) <= MAX_EXPONENTIAL_ARGUMENT)) {
      throw new CalculatorRefusal(`${name} is limited to arguments up to ${Math.floor(MAX_EXPONENTIAL_ARGUMENT)} in size (results beyond 2^${MAX_RESULT_BITS} are not supported)`);
    }
  }
  if (DIGITS_ARGUMENT.has(name) && args.length >= 2) {
    const digits = scalarNumber(math, args[1]);
    if (digits !== undefined && !(Math.abs(digits) <= MAX_DIGITS)) throw new CalculatorRefusal(`${name} keeps at most ${MAX_DIGITS} digits`);
  }
  if (args.length === 2) {
    const [a, b] = [shape2(math, args[0]), shape2(math, args[1])];
    if (a && b) {
      const elements = name === "multiply" ? a[0] * b[1] : Math.max(a[0], b[0]) * Math.max(a[1], b[1]);
      if (elements > MAX_MATRIX_ELEMENTS) throw new CalculatorRefusal(`matrices of more than ${MAX_MATRIX_ELEMENTS} elements are not supported`);
    }
  }
}

/** base^k for fractions and an integer k, with bigint powers (fraction.js' own pow is far slower). */
function exactPower(math, base, exponent) {
  if (!math.isFraction(base) || !math.isFraction(exponent) || exponent.d !== 1n || (base.n === 0n && exponent.s < 0n)) return undefined;
  const k = exponent.n;
  const [numerator, denominator] = exponent.s < 0n ? [base.d ** k, base.n ** k] : [base.n ** k, base.d ** k];
  return new math.Fraction(base.s < 0n && k % 2n === 1n ? -numerator : numerator, denominator);
}

function call(math, exact, name, args) {
  precheck(math, exact, name, args);
  const fast = name === "pow" && args.length === 2 ? exactPower(math, args[0], args[1]) : undefined;
  return check(math, exact, fast ?? math[name](...args));
}

function evaluateNode(math, exact, node) {
  switch (node.type) {
    case "ConstantNode":
      if (math.isFraction(node.value) || math.isBigNumber(node.value) || typeof node.value === "number") return check(math, exact, node.value);
      throw new CalculatorRefusal("only numbers, units and the constants pi, e, tau, phi and i can be used (no strings or booleans)");
    case "ParenthesisNode":
      return evaluateNode(math, exact, node.content);
    case "SymbolNode":
      if (CONSTANTS.has(node.name)) return check(math, exact, math[node.name]);
      if (math.Unit.isValuelessUnit(node.name)) return new math.Unit(null, node.name);
      throw new CalculatorRefusal(`'${node.name}' is not a known constant or unit; the calculator has no variables`);
    case "OperatorNode":
      if (!OPERATORS.has(node.fn)) throw new CalculatorRefusal(`the operator '${node.op}' is not supported`);
      return call(math, exact, node.fn, node.args.map((arg) => evaluateNode(math, exact, arg)));
    case "FunctionNode": {
      const name = node.fn?.type === "SymbolNode" ? node.fn.name : undefined;
      if (!name || !FUNCTIONS.has(name)) throw new CalculatorRefusal(`${name ?? "that"}() is not available in the calculator; it offers arithmetic, rounding, trigonometry, statistics, units and small matrices`);
      return call(math, exact, name, node.args.map((arg) => evaluateNode(math, exact, arg)));
    }
    case "ArrayNode": {
      if (node.items.length > MAX_MATRIX_ELEMENTS) throw new CalculatorRefusal(`matrices of more than ${MAX_MATRIX_ELEMENTS} elements are not supported`);
      const items = node.items.map((item) => {
        const value = evaluateNode(math, exact, item);
        return math.isMatrix(value) ? value.toArray() : value;
      });
      return check(math, exact, math.matrix(items));
    }
    default:
      throw new CalculatorRefusal(
        `${node.type.replace(/Node$/, "").toLowerCase()} expressions are not supported: the calculator evaluates one expression (no variables, function definitions, property access, ranges or blocks)`,
      );
  }
}

/** Fractions as `n/d`, whole numbers without `/1` (also inside matrices and units). */
function formatExact(math, value) {
  return math.format(value, { fraction: "ratio" }).replace(/(\d)\/1(?!\d)/g, "$1");
}

/** Evaluates an expression: exact when rational, else 64 significant digits. Throws with a reason. */
export function calculate(expression) {
  const { big, fraction } = mathEngines();
  let decimalValue;
  try {
    decimalValue = evaluateNode(big, false, big.parse(expression));
  } catch (error) {
    if (error instanceof NotExact) throw new CalculatorRefusal("the expression cannot be evaluated");
    throw error;
  }
  const decimal = big.format(decimalValue, { notation: "auto", lowerExp: -20, upperExp: 80, precision: MAX_DIGITS });
  try {
    const exact = evaluateNode(fraction, true, fraction.parse(expression));
    return { expression, result: formatExact(fraction, exact), exact: true, decimal };
  } catch {
    // Not rational (sqrt, trigonometry, constants), or too large to keep exact: the decimal is the answer.
    return { expression, result: decimal, exact: false, decimal };
  }
}
