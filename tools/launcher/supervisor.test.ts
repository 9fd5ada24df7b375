import { spawn } from "node:child_process";
import { once } from "node:events";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Supervisor } from "./supervisor.ts";

const SIGNAL_REPORTER = `
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => { console.log("received " + signal); process.exit(0); });
console.log("ready");
setInterval(() => {}, 1000);
`;

/** Resolves when `lines` contains every expected line, or rejects after `timeoutMs`. */
async function waitForLines(lines: string[], expected: string[], timeoutMs = 4000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!expected.every((line) => lines.includes(line))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${JSON.stringify(expected)}; saw ${JSON.stringify(lines)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test("supervisor prefixes each output line with the child name", async () => {
  const lines: string[] = [];
  const supervisor = new Supervisor({ writeLine: (line) => lines.push(line) });
  supervisor.start("alpha", process.execPath, ["-e", "console.log('out line'); console.error('err line'); setInterval(() => {}, 1000)"]);
  await waitForLines(lines, ["[alpha] out line", "[alpha] err line"]);
  await supervisor.stop();

  assert.ok(lines.includes("[alpha] out line"));
  assert.ok(lines.includes("[alpha] err line"));
});

test("supervisor stop forwards the signal to both children", async () => {
  const lines: string[] = [];
  const supervisor = new Supervisor({ writeLine: (line) => lines.push(line) });
  supervisor.start("one", process.execPath, ["-e", SIGNAL_REPORTER]);
  supervisor.start("two", process.execPath, ["-e", SIGNAL_REPORTER]);
  await waitForLines(lines, ["[one] ready", "[two] ready"]);

  void supervisor.stop("SIGINT");
  const failure = await supervisor.finished();

  assert.is(failure, undefined);
  assert.ok(lines.includes("[one] received SIGINT"), lines.join("\n"));
  assert.ok(lines.includes("[two] received SIGINT"), lines.join("\n"));
});

test("supervisor stops the rest when a child dies", async () => {
  const lines: string[] = [];
  const supervisor = new Supervisor({ writeLine: (line) => lines.push(line) });
  supervisor.start("steady", process.execPath, ["-e", SIGNAL_REPORTER]);
  await waitForLines(lines, ["[steady] ready"]);
  supervisor.start("fragile", process.execPath, ["-e", "setTimeout(() => process.exit(3), 200)"]);

  const failure = await supervisor.finished();

  assert.equal(failure, { name: "fragile", code: 3, signal: null });
  assert.ok(supervisor.failureSignal.aborted);
  assert.ok(lines.includes("[steady] received SIGTERM"), lines.join("\n"));
  assert.ok(lines.some((line) => line.startsWith("[launcher] fragile exited unexpectedly (code 3")), lines.join("\n"));
});

test("supervisor kills a child that ignores SIGTERM", async () => {
  const lines: string[] = [];
  const supervisor = new Supervisor({ writeLine: (line) => lines.push(line), stopTimeoutMs: 300 });
  supervisor.start("stubborn", process.execPath, ["-e", "process.on('SIGTERM', () => console.log('ignored')); console.log('ready'); setInterval(() => {}, 1000)"]);
  await waitForLines(lines, ["[stubborn] ready"]);

  const started = Date.now();
  await supervisor.stop("SIGTERM");

  assert.ok(lines.includes("[stubborn] ignored"));
  assert.ok(lines.some((line) => line.includes("stubborn still running 300 ms after SIGTERM; sending SIGKILL")));
  assert.ok(Date.now() - started < 3000);
});

test("supervisor reports a running child", async () => {
  const lines: string[] = [];
  const supervisor = new Supervisor({ writeLine: (line) => lines.push(line) });
  supervisor.start("steady", process.execPath, ["-e", SIGNAL_REPORTER]);
  await waitForLines(lines, ["[steady] ready"]);

  assert.ok(supervisor.isRunning("steady"));
  assert.not.ok(supervisor.isRunning("unknown"));
  await supervisor.stop();
  assert.not.ok(supervisor.isRunning("steady"));
});

test("supervisor reports an exited child as not running", async () => {
  const supervisor = new Supervisor({ writeLine: () => undefined });
  supervisor.start("brief", process.execPath, ["-e", "process.exit(4)"]);

  await once(supervisor.failureSignal, "abort");

  assert.not.ok(supervisor.isRunning("brief"));
  assert.equal(await supervisor.finished(), { name: "brief", code: 4, signal: null });
});

test("supervisor reports a command that cannot start", async () => {
  const lines: string[] = [];
  const supervisor = new Supervisor({ writeLine: (line) => lines.push(line) });
  supervisor.start("missing", "/nonexistent/homebase-sim", []);

  const failure = await supervisor.finished();

  assert.is(failure?.name, "missing");
  assert.ok(lines.some((line) => line.startsWith("[missing] failed to start: spawn /nonexistent/homebase-sim ENOENT")), lines.join("\n"));
});

test("supervisor rejects a start while stopping", async () => {
  const supervisor = new Supervisor({ writeLine: () => undefined });
  await supervisor.stop();

  assert.throws(() => supervisor.start("late", process.execPath, ["-e", ""]), /cannot start late: the supervisor is stopping/);
});

test("Ctrl-C on the launcher stops both children and exits 0", async () => {
  const fixture = new URL("./testdata/supervise-two.ts", import.meta.url).pathname;
  const launcher = spawn(process.execPath, ["--import", "tsx", fixture], { stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  let buffer = "";
  launcher.stdout.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    lines.push(...parts);
  });
  await waitForLines(lines, ["[one] ready", "[two] ready"]);

  launcher.kill("SIGINT");
  const [code] = await once(launcher, "exit");

  assert.is(code, 0, lines.join("\n"));
  assert.ok(lines.includes("[one] received SIGINT"), lines.join("\n"));
  assert.ok(lines.includes("[two] received SIGINT"), lines.join("\n"));
  assert.is(lines.at(-1), "launcher stopped");
});

test.run();
