/**
 * Times POST /logs/ingest with one batch of 1,000 log entries, on the database that TEST_DATABASE
 * selects (PGlite when unset). Each run uses a new network, so every entry is stored; the first
 * run warms up and is not counted. This is a measurement to read, not a test: nothing fails on time.
 *
 *   node --import tsx tools/bench/ingest.ts [runs]
 */
import { performance } from "node:perf_hooks";
import { nowSec } from "../../hosts/node/src/clock.ts";
import { batchBody, frameEntry } from "../../hosts/node/src/testing/batches.ts";
import { testDatabaseKind } from "../../hosts/node/src/testing/db.ts";
import { insertNetwork, sendSigned, startTestServer } from "../../hosts/node/src/testing/mesh.ts";

const ENTRY_COUNT = 1000;
const runs = Number(process.argv[2] ?? 5);

const server = await startTestServer();
// Signing 1,000 frames takes longer than the default 5 s keep-alive, after which fetch would reuse a closed connection.
server.http.keepAliveTimeout = 120_000;
const timesMs: number[] = [];
try {
  for (let run = 0; run <= runs; run += 1) {
    const network = await insertNetwork(server.deps.db, server.clock);
    const now = nowSec(server.clock);
    const entries = Array.from({ length: ENTRY_COUNT }, (_, index) =>
      frameEntry(network, { kind: "log", deviceId: index % 2 ? "hall" : "porch-cam", seq: index + 1, timestamp: now - ENTRY_COUNT + index, payload: { level: "info", category: "bench", message: `line ${index}` } }),
    );
    const body = batchBody(network, 1, entries);

    const started = performance.now();
    const response = await sendSigned(server, network, body);
    const answer = (await response.json()) as { accepted: number };
    const elapsedMs = performance.now() - started;
    if (response.status !== 200 || answer.accepted !== ENTRY_COUNT) throw new Error(`run ${run}: status ${response.status}, ${JSON.stringify(answer)}`);
    if (run > 0) timesMs.push(elapsedMs);
  }
} finally {
  await server.close();
}

timesMs.sort((a, b) => a - b);
const median = timesMs[Math.floor(timesMs.length / 2)]!;
process.stdout.write(`${testDatabaseKind()}: ${ENTRY_COUNT} log entries, ${runs} runs, median ${median.toFixed(0)} ms, min ${timesMs[0]!.toFixed(0)} ms, max ${timesMs[timesMs.length - 1]!.toFixed(0)} ms\n`);

