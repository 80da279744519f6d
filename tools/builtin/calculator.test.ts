import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { toolRunContext } from "../../test/support/tool-context.js";
import { calculate, calculatorTool } from "./calculator.js";

const refusal = (expression: string) => calculate(expression).then(
  (answer) => `answered ${answer.result}`,
  (error: Error) => error.message,
);

describe("calculator", () => {
  it("computes rational results exactly, big integers included", async () => {
    expect(await calculate("1/3 + 1/6")).toMatchObject({ result: "1/2", exact: true, decimal: "0.5" });
    expect((await calculate("0.1 + 0.2")).result).toBe("3/10");
    expect((await calculate("2^100")).result).toBe("1267650600228229401496703205376");
    expect((await calculate("-3/4")).result).toBe("-3/4");
    expect((await calculate("2^10000")).result).toMatch(/^19950631168807583848837421626835850838234968318861924548520089498529438830221946631919961684036194/);
  });

  it("falls back to 64 significant digits for irrational values and says so", async () => {
    const root = await calculate("sqrt(2)");
    expect(root.exact).toBe(false);
    expect(root.result).toMatch(/^1\.41421356237309504880168872420969807856967187537694/);
  });

  it("offers rounding, units, trigonometry, statistics over small arrays and small matrices", async () => {
    expect((await calculate("round(pi, 3)")).result).toBe("3.142");
    expect((await calculate("5 km to mi")).decimal).toMatch(/^3\.10685596118666984808717092181659110792969060685596118666984808\d* mi$/);
    expect((await calculate("100 km/h to m/s")).result).toBe("250/9 m / s");
    expect((await calculate("sin(30 deg)")).decimal).toBe("0.5");
    expect((await calculate("mean([1, 2, 3, 4])")).result).toBe("5/2");
    expect((await calculate("max([3, 9, 4])")).result).toBe("9");
    expect((await calculate("det([1, 2; 3, 4])")).result).toBe("-2");
    expect((await calculate("[1, 2; 3, 4] * [5; 6]")).result).toBe("[[17], [39]]");
  });

  it("refuses what it cannot answer with a clear reason", async () => {
    expect(await refusal("1/0")).toMatch(/no finite value \(a division by zero or an overflow\)/);
    expect(await refusal("2^(2^20)")).toMatch(/beyond 2\^16384/);
    expect(await refusal("factorial(5000)")).toMatch(/factorial is limited to arguments up to 1000/);
    expect(await refusal("import({x: 1})")).toMatch(/import\(\) is not available/);
    expect(await refusal('evaluate("1+1")')).toMatch(/evaluate\(\) is not available/);
    expect(await refusal("x = 3")).toMatch(/assignment expressions are not supported/);
    expect(await refusal("1:1000000")).toMatch(/range expressions are not supported/);
    expect(await refusal("1 << 100000")).toMatch(/operator '<<' is not supported/);
    expect(await refusal("round(1/3, 100000)")).toMatch(/at most 64 digits/);
    // decimal.js would spend many seconds on cosh(1e6) before overflowing; refused up front.
    expect(await refusal("cosh(1e6)")).toMatch(/cosh is limited to arguments up to 11356/);
    expect(await refusal("1 +")).toMatch(/Unexpected end of expression/);
  });

  it("declares a read-only spec with a bounded expression", () => {
    expect(calculatorTool.sideEffect).toBe("read_only");
    expect(calculatorTool.schema.safeParse({ expression: "x".repeat(1_001) }).success).toBe(false);
  });
});

describe("calculator hostile inputs (issue 19 findings 1-3)", () => {
  it("config({number:'number'}) cannot reconfigure the engine: 1/3 stays an exact fraction", async () => {
    expect(await refusal("config({number:'number'})")).toMatch(/config\(\) is not available/);
    expect(await calculate("1/3")).toMatchObject({ result: "1/3", exact: true });
  });

  it("config({precision: number(200000)}) cannot make later calls hang: sqrt(2) and pi answer at 64 digits", async () => {
    expect(await refusal("config({precision: number(200000)})")).toMatch(/config\(\) is not available/);
    expect((await calculate("sqrt(2)")).result).toHaveLength(65);
    expect((await calculate("pi")).result).toBe("3.141592653589793238462643383279502884197169399375105820974944592");
  });

  it("refuses user recursion, huge powers and simplifyConstant before computing anything", async () => {
    expect(await refusal("f(n) = n < 1 ? 1 : f(n-1) + f(n-1); f(20)")).toMatch(/not supported: the calculator evaluates one expression/);
    expect(await refusal("f(n) = n < 1 ? 1 : f(n-1) + f(n-1)")).toMatch(/functionassignment expressions are not supported/);
    expect(await refusal("(2^10000)^2000")).toMatch(/about 20000000 bits; results beyond 2\^16384/);
    expect(await refusal("pow(2, 20000)")).toMatch(/about 20000 bits/);
    expect(await refusal("2^20000")).toMatch(/about 20000 bits/);
    expect(await refusal("simplifyConstant('2^20000')")).toMatch(/simplifyConstant\(\) is not available/);
  });

  it("size(zeros(30000, 30000)) cannot allocate a matrix; matrices stay small", async () => {
    expect(await refusal("size(zeros(30000, 30000))")).toMatch(/zeros\(\) is not available/);
    const numbers = Array.from({ length: 40 }, (_, i) => i + 1);
    expect(await refusal(`[${numbers.join(";")}] * [[${numbers.join(",")}]]`)).toMatch(/more than 1000 elements/);
    expect(await refusal(`[1, 2; 3, 4]^1000000`)).toMatch(/integer exponents up to 64/);
  });

  it("runs in the calculator's worker through the tool, keyed by the run's owner", async () => {
    expect(await calculatorTool.run({ expression: "(1/3 + 1/6) * 12" }, toolRunContext())).toMatchObject({ result: "6", exact: true });
  });

  it("mathjs is imported by the calculator's worker engine only, never on the server's thread", async () => {
    const root = path.resolve(import.meta.dirname, "../..");
    const importers: string[] = [];
    for (const folder of ["lib", "tools", "agents", "graphs", "memory", "tracing", "server", "cli"]) {
      for (const entry of await readdir(path.join(root, folder), { recursive: true, withFileTypes: true })) {
        if (!entry.isFile() || !/\.(ts|mts|mjs|js)$/.test(entry.name) || entry.name.endsWith(".test.ts")) continue;
        const file = path.join(entry.parentPath, entry.name);
        if (/from\s+["']mathjs["']|import\(\s*["']mathjs["']\s*\)/.test(await readFile(file, "utf8"))) importers.push(path.relative(root, file));
      }
    }
    expect(importers).toEqual(["tools/sandbox/calculator-engine.mjs"]);
  });
});
