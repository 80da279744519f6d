/**
 * serveApp's handling of bodies the app did not read: discarded after the answer until the
 * client is done (tested with a slow client in test/server-body-limit.test.ts), and the
 * connection cut once more than the cap arrived, so a client cannot make the server read forever.
 */
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { serveApp } from "./listen.js";

describe("serveApp", () => {
  it("cuts the connection once more than the cap of an unread body arrived, after answering", async () => {
    const app = new Hono().post("/ignore", (c) => c.json({ ignored: true }, 413));
    const server = serveApp(app, { port: 0, hostname: "127.0.0.1", drain: { capBytes: 256 * 1024 } });
    await new Promise((resolve) => server.once("listening", resolve));
    const { port } = server.address() as AddressInfo;
    const socket = connect(port, "127.0.0.1");
    let response = "";
    socket.on("data", (chunk) => (response += chunk.toString("latin1")));
    socket.on("error", () => undefined);
    const closed = new Promise((resolve) => socket.once("close", resolve));
    const total = 8 * 1024 * 1024;
    socket.write(`POST /ignore HTTP/1.1\r\nHost: x\r\nContent-Length: ${total}\r\n\r\n`);
    let written = 0;
    while (written < total && !socket.destroyed) {
      const ok = socket.write(Buffer.alloc(64 * 1024));
      written += 64 * 1024;
      if (!ok) await Promise.race([new Promise((resolve) => socket.once("drain", resolve)), closed]);
      // A steady upload, not one burst the server could swallow before it looks.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await closed;
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(written).toBeLessThan(total);
    await new Promise((resolve) => server.close(resolve));
  });
});
