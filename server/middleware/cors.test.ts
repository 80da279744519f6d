import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { corsMiddleware, corsPolicy, STUDIO_ORIGINS } from "./cors.js";

const preflight = (app: Hono, origin: string) =>
  app.request("/threads", { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST", "access-control-request-private-network": "true" } });

function appWith(policy: ReturnType<typeof corsPolicy>): Hono {
  const app = new Hono();
  if (policy) app.use(...corsMiddleware(policy));
  app.post("/threads", (c) => c.json({}));
  return app;
}

describe("corsPolicy", () => {
  it("lets LangGraph Studio in by default on loopback, and nobody off loopback", async () => {
    const policy = corsPolicy({ envOrigins: [], loopback: true });
    expect(policy).toMatchObject({ source: "Studio default on loopback", allow_origins: STUDIO_ORIGINS });
    const response = await preflight(appWith(policy), "https://smith.langchain.com");
    expect(response.headers.get("access-control-allow-origin")).toBe("https://smith.langchain.com");
    expect(response.headers.get("access-control-allow-private-network")).toBe("true");
    expect((await preflight(appWith(policy), "https://evil.example")).headers.get("access-control-allow-origin")).toBeNull();
    expect(corsPolicy({ envOrigins: [], loopback: false })).toBeUndefined();
  });

  it("SERVER_CORS_ORIGINS wins over langgraph.json's http.cors, which wins over the Studio default", async () => {
    const config = { allow_origin_regex: "^https://.*\\.corp\\.example$" };
    expect(corsPolicy({ envOrigins: ["https://a.example"], config, loopback: true })?.source).toBe("SERVER_CORS_ORIGINS");
    const policy = corsPolicy({ envOrigins: [], config, loopback: false });
    expect(policy?.source).toBe("langgraph.json http.cors");
    expect((await preflight(appWith(policy), "https://app.corp.example")).headers.get("access-control-allow-origin")).toBe("https://app.corp.example");
    expect((await preflight(appWith(policy), "https://smith.langchain.com")).headers.get("access-control-allow-origin")).toBeNull();
  });
});
