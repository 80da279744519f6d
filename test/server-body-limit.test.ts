/**
 * Over-limit bodies from a slow client (issue 18): the 413 reaches a client that uploads in
 * small, spaced chunks, whether it declared the size (refused on Content-Length before any of
 * the body is read) or sent it chunked (refused once the limit is passed); the server keeps
 * reading and discarding what the client still sends (up to a cap), so the client finishes its
 * upload without a connection reset and then reads a JSON 413. The connection stays usable.
 */
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_CONFIG, startTestServer, type TestServer } from "./support/server.js";

const LIMIT = 64 * 1024;
const BODY = 2 * 1024 * 1024;
const CHUNK = 32 * 1024;
const PAUSE_MS = 15;

interface Upload {
  /** Bytes the client managed to write before the server stopped it. */
  written: number;
  writeError: string | undefined;
  response: string;
}

/** Sends a POST of `BODY` bytes in `CHUNK`s with a pause between them, reading the answer meanwhile. */
async function slowUpload(url: string, chunked: boolean): Promise<Upload> {
  const { hostname, port } = new URL(url);
  const socket: Socket = connect(Number(port), hostname);
  await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  let response = "";
  let writeError: string | undefined;
  socket.on("data", (chunk) => (response += chunk.toString("latin1")));
  socket.on("error", (error: NodeJS.ErrnoException) => (writeError ??= error.code ?? error.message));
  const closed = new Promise((resolve) => socket.once("close", resolve));
  const length = chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${BODY}`;
  socket.write(`POST /threads HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\n${length}\r\n\r\n`);
  const payload = Buffer.alloc(CHUNK, 0x20);
  let written = 0;
  while (written < BODY && !writeError && !socket.destroyed) {
    const ok = socket.write(chunked ? Buffer.concat([Buffer.from(`${CHUNK.toString(16)}\r\n`), payload, Buffer.from("\r\n")]) : payload);
    written += CHUNK;
    if (!ok) await new Promise((resolve) => socket.once("drain", resolve));
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
  }
  if (chunked && !writeError && !socket.destroyed) socket.write("0\r\n\r\n");
  // Once the upload is done, the same connection takes another request.
  if (!writeError && !socket.destroyed) socket.write(`GET /ok HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`);
  await closed;
  return { written, writeError, response };
}

describe("413 for an over-limit body from a slow client", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ configPath: FIXTURE_CONFIG, env: { SERVER_BODY_LIMIT_BYTES: String(LIMIT) } });
  });
  afterAll(async () => server?.close());

  it.each([
    ["declared with Content-Length", false],
    ["sent chunked", true],
  ])("%s: the whole upload goes through, then the client reads a JSON 413 and the next answer", async (_name, chunked) => {
    const upload = await slowUpload(server.url, chunked);
    expect(upload.writeError).toBeUndefined();
    expect(upload.written).toBe(BODY);
    expect(upload.response).toMatch(/^HTTP\/1\.1 413 /);
    const body = upload.response.slice(upload.response.indexOf("\r\n\r\n") + 4);
    const json = body.slice(body.indexOf("{"), body.indexOf("}") + 1);
    expect(JSON.parse(json)).toMatchObject({ error: "payload_too_large" });
    expect(upload.response).toMatch(/HTTP\/1\.1 200 [\s\S]*"ok":\s*true/);
  }, 60_000);
});
