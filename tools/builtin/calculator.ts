/**
 * calculator: exact arithmetic with mathjs (no `eval`). Rational expressions are computed as
 * fractions (1/3 + 1/6 = 1/2 exactly, 0.1 + 0.2 = 3/10); anything irrational (sqrt, sin, pi)
 * falls back to 64-digit decimals and says so.
 */
import { all, create, type MathNode } from "mathjs";
import { z } from "zod";
import { defineTool } from "../types.js";

const MAX_EXPONENT = 10_000;
const MAX_FACTORIAL = 1_000;

// Created on first use (no work at import time); shared afterwards.
type MathInstance = ReturnType<typeof create>;
let engines: { fraction: MathInstance; big: MathInstance; parse: { fraction: MathInstance["parse"]; big: MathInstance["parse"] } } | undefined;

function mathEngines() {
  if (engines) return engines;
  const harden = (math: ReturnType<typeof create>) => {
    // mathjs' security guidance: expressions must not reach the parser's meta functions.
    const refuse = (name: string) => () => {
      throw new Error(`${name} is not available in the calculator`);
    };
    const blocked = ["import", "createUnit", "evaluate", "parse", "simplify", "derivative", "resolve", "compile", "reviver", "replacer"];
    math.import(Object.fromEntries(blocked.map((name) => [name, refuse(name)])), { override: true });
    return math;
  };
  const fraction = create(all!, { number: "Fraction" });
  const big = create(all!, { number: "BigNumber", precision: 64 });
  // Our own parse calls happen on the instances directly; hardening only affects expressions.
  const parse = { fraction: fraction.parse, big: big.parse };
  engines = { fraction: harden(fraction), big: harden(big), parse };
  return engines;
}

/** Refuses expressions whose exact value would be astronomically large (CPU and memory guard). */
function checkSize(node: MathNode, evaluate: (node: MathNode) => unknown): void {
  node.traverse((child) => {
    const operator = child as MathNode & { op?: string; fn?: string | { name?: string }; args?: MathNode[] };
    if (operator.type === "OperatorNode" && operator.op === "^" && operator.args?.[1]) {
      const exponent = Math.abs(Number(String(evaluate(operator.args[1]))));
      if (!(exponent <= MAX_EXPONENT)) throw new Error(`exponents above ${MAX_EXPONENT} are not supported`);
    }
    const fnName = typeof operator.fn === "string" ? operator.fn : operator.fn?.name;
    if ((fnName === "factorial" || fnName === "gamma") && operator.args?.[0]) {
      const argument = Math.abs(Number(String(evaluate(operator.args[0]))));
      if (!(argument <= MAX_FACTORIAL)) throw new Error(`factorials above ${MAX_FACTORIAL}! are not supported`);
    }
  });
}

/** Evaluates an expression exactly where possible. */
export function calculate(expression: string): { expression: string; result: string; exact: boolean; decimal: string } {
  const { fraction, big, parse } = mathEngines();
  const parsedBig = parse.big(expression);
  checkSize(parsedBig, (node) => node.compile().evaluate());
  const decimalValue = parsedBig.compile().evaluate();
  const decimal = big.format(decimalValue, { notation: "auto", lowerExp: -20, upperExp: 80, precision: 64 });
  if (decimal === "Infinity" || decimal === "-Infinity" || decimal === "NaN") {
    throw new Error(`the expression has no finite value (${decimal}); check for a division by zero`);
  }
  try {
    const exact = parse.fraction(expression).compile().evaluate() as unknown;
    if (exact && typeof exact === "object" && "n" in exact && "d" in exact) {
      const text = fraction.format(exact, { fraction: "ratio" }).replace(/\/1$/, "");
      return { expression, result: text, exact: true, decimal };
    }
    return { expression, result: fraction.format(exact), exact: true, decimal };
  } catch {
    // Not rational (sqrt, trigonometry, constants): the 64-digit decimal is the answer.
    return { expression, result: decimal, exact: false, decimal };
  }
}

/** The calculator tool. */
export const calculatorTool = defineTool({
  name: "calculator",
  description:
    "Evaluates a math expression exactly: + - * / ^ %, parentheses, fractions, sqrt, log, sin/cos, factorial, units like '5 km to mi'. Returns an exact fraction when the result is rational, else 64 significant digits. Use it for every calculation instead of doing arithmetic yourself.",
  schema: z.object({
    expression: z.string().min(1).max(1_000).describe("the expression, e.g. '(1/3 + 1/6) * 12' or 'sqrt(2)^2'"),
  }),
  timeoutMs: 2_000,
  sideEffect: "read_only",
  run: async ({ expression }) => calculate(expression),
});
