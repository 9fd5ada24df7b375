/**
 * Runs the long-lived children of `make run` and stops them together. Each child gets its own
 * process group, so a Ctrl-C in the terminal reaches only the launcher, which forwards the signal to
 * every group once (a second stop() call sends nothing more). A child that exits while the supervisor is not stopping counts as a
 * failure: the supervisor stops the others and reports which child died.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

export interface ChildExit {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SupervisorOptions {
  /** Receives each output line of every child, already prefixed with the child's name. */
  writeLine?: (line: string) => void;
  /** How long stop() waits after the forwarded signal before it sends SIGKILL. */
  stopTimeoutMs?: number;
}

interface RunningChild {
  name: string;
  process: ChildProcess;
  exited: Promise<ChildExit>;
}

export class Supervisor {
  readonly #children: RunningChild[] = [];
  readonly #writeLine: (line: string) => void;
  readonly #stopTimeoutMs: number;
  readonly #failureController = new AbortController();
  readonly #stopController = new AbortController();
  #stopping = false;
  #firstFailure: ChildExit | undefined;
  #stopped: Promise<void> | undefined;
  #resolveStopRequested: () => void = () => undefined;
  readonly #stopRequested = new Promise<void>((resolve) => {
    this.#resolveStopRequested = resolve;
  });

  constructor(options: SupervisorOptions = {}) {
    this.#writeLine = options.writeLine ?? ((line) => process.stdout.write(line + "\n"));
    this.#stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  }

  /** Aborted when a child exits unexpectedly; long waits (health checks) listen to it. */
  get failureSignal(): AbortSignal {
    return this.#failureController.signal;
  }

  /** Aborted when stop() begins, whether requested or after a failure; startup steps listen to it. */
  get stopSignal(): AbortSignal {
    return this.#stopController.signal;
  }

  /** The first child that exited unexpectedly, if any. */
  get failure(): ChildExit | undefined {
    return this.#firstFailure;
  }

  get stopping(): boolean {
    return this.#stopping;
  }

  /**
   * Reports whether the child started as `name` is running: spawned, and its exit not yet seen. A child that
   * has died but is not yet reaped still counts as running.
   */
  isRunning(name: string): boolean {
    return this.#children.some(
      (child) => child.name === name && child.process.pid !== undefined && child.process.exitCode === null && child.process.signalCode === null,
    );
  }

  /** Starts a child with piped, line-prefixed output. Throws if stop() has already begun. */
  start(name: string, command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): void {
    if (this.#stopping) throw new Error(`cannot start ${name}: the supervisor is stopping`);

    const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"], detached: true });
    this.#prefixLines(name, child);
    const exited = new Promise<ChildExit>((resolve) => {
      child.once("error", (error) => {
        this.#writeLine(`[${name}] failed to start: ${error.message}`);
        resolve({ name, code: null, signal: null });
      });
      child.once("exit", (code, signal) => resolve({ name, code, signal }));
    });

    const running = { name, process: child, exited };
    this.#children.push(running);
    void exited.then((result) => this.#onExit(running, result));
  }

  #prefixLines(name: string, child: ChildProcess): void {
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => this.#writeLine(`[${name}] ${line}`));
    }
  }

  #onExit(child: RunningChild, result: ChildExit): void {
    const index = this.#children.indexOf(child);
    if (index >= 0) this.#children.splice(index, 1);
    if (this.#stopping) return;

    this.#firstFailure = result;
    this.#writeLine(`[launcher] ${result.name} exited unexpectedly (code ${result.code}, signal ${result.signal}); stopping the others`);
    this.#failureController.abort(new Error(`${result.name} exited unexpectedly`));
    void this.stop("SIGTERM");
  }

  #signalGroup(child: RunningChild, signal: NodeJS.Signals): void {
    if (child.process.pid === undefined) return;
    try {
      // A negative pid addresses the child's whole process group (it was started detached).
      process.kill(-child.process.pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
    }
  }

  /**
   * Forwards `signal` to every child and resolves once all have exited; a child still running after
   * the stop timeout gets SIGKILL. Calling it again while stopping returns the same wait.
   */
  stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    if (this.#stopped) return this.#stopped;
    this.#stopping = true;
    this.#resolveStopRequested();
    this.#stopController.abort(new Error(`stopping after ${signal}`));

    const waits = this.#children.map((child) => this.#stopChild(child, signal));
    this.#stopped = Promise.all(waits).then(() => undefined);
    return this.#stopped;
  }

  async #stopChild(child: RunningChild, signal: NodeJS.Signals): Promise<void> {
    this.#signalGroup(child, signal);

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), this.#stopTimeoutMs);
    });
    const outcome = await Promise.race([child.exited, timedOut]);
    clearTimeout(timer);

    if (outcome === "timeout") {
      this.#writeLine(`[launcher] ${child.name} still running ${this.#stopTimeoutMs} ms after ${signal}; sending SIGKILL`);
      this.#signalGroup(child, "SIGKILL");
      await child.exited;
    }
  }

  /** Sends SIGKILL to every child group at once; for the launcher's own exit handler, which cannot wait. */
  killAllNow(): void {
    for (const child of this.#children) this.#signalGroup(child, "SIGKILL");
  }

  /**
   * Resolves once every child is gone, after stop() or after a child's unexpected exit. Returns that
   * child's exit, or undefined when the stop was requested.
   */
  async finished(): Promise<ChildExit | undefined> {
    await this.#stopRequested;
    await this.stop();
    return this.#firstFailure;
  }
}
