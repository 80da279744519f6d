import { describe, expect, it } from "vitest";
import { calculate, calculatorTool } from "./calculator.js";

describe("calculator", () => {
  it("computes rational results exactly", () => {
    expect(calculate("1/3 + 1/6")).toMatchObject({ result: "1/2", exact: true, decimal: "0.5" });
    expect(calculate("0.1 + 0.2").result).toBe("3/10");
    expect(calculate("2^100").result).toBe("1267650600228229401496703205376");
    expect(calculate("-3/4").result).toBe("-3/4");
  });

  it("falls back to 64 significant digits for irrational values and says so", () => {
    const root = calculate("sqrt(2)");
    expect(root.exact).toBe(false);
    expect(root.result).toMatch(/^1\.41421356237309504880168872420969807856967187537694/);
  });

  it("refuses what it cannot answer with a clear reason", () => {
    expect(() => calculate("1/0")).toThrow(/division by zero/);
    expect(() => calculate("2^(2^20)")).toThrow(/exponents above/);
    expect(() => calculate("factorial(5000)")).toThrow(/factorials above/);
    expect(() => calculate('import({x: 1})')).toThrow(/not available/);
    expect(() => calculate("evaluate(\"1+1\")")).toThrow(/not available/);
    expect(() => calculate("1 +")).toThrow();
  });

  it("declares a read-only spec with a bounded expression", () => {
    expect(calculatorTool.sideEffect).toBe("read_only");
    expect(calculatorTool.schema.safeParse({ expression: "x".repeat(1_001) }).success).toBe(false);
  });
});
