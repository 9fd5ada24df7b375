/**
 * A stand-in launcher for supervisor.test.ts: supervises two `node -e` children that report the signal
 * they receive, forwards Ctrl-C to them, and exits 0 after a requested stop or 1 after a failure.
 */
import { Supervisor } from "../supervisor.ts";
import { forwardTerminationSignals } from "../signals.ts";

const CHILD = `
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => { console.log("received " + signal); process.exit(0); });
console.log("ready");
setInterval(() => {}, 1000);
`;

const supervisor = new Supervisor({ stopTimeoutMs: 2000 });
forwardTerminationSignals(supervisor);
supervisor.start("one", process.execPath, ["-e", CHILD]);
supervisor.start("two", process.execPath, ["-e", CHILD]);

const failure = await supervisor.finished();
console.log(failure ? `launcher failed: ${failure.name}` : "launcher stopped");
process.exit(failure ? 1 : 0);
