/** Types of calculator-engine.mjs (the calculator's allow-list evaluator; runs in the calculator's worker). */

/** What the calculator answers: the exact fraction when rational, else 64 significant digits. */
export type CalculatorAnswer = {
  expression: string;
  result: string;
  exact: boolean;
  decimal: string;
};

/** Results beyond 2^±this many bits are refused. */
export declare const MAX_RESULT_BITS: number;
/** Exact fractions larger than this many bits (numerator + denominator) are answered in decimals. */
export declare const MAX_FRACTION_BITS: number;
/** Largest matrix (elements). */
export declare const MAX_MATRIX_ELEMENTS: number;
/** Largest argument of factorial, gamma, combinations, permutations. */
export declare const MAX_FACTORIAL: number;
/** Significant digits of decimal answers, and the most digits rounding keeps. */
export declare const MAX_DIGITS: number;

/** A refusal with a reason a model can act on. */
export declare class CalculatorRefusal extends Error {}

/** Evaluates one expression under the allow-list; throws with a reason when it cannot. */
export declare function calculate(expression: string): CalculatorAnswer;
