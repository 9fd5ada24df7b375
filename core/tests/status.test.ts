import { test } from "uvu";
import * as assert from "uvu/assert";
import { STATUS, freshCore } from "./helpers.ts";

test("status_name gives the documented name of every code", async () => {
  const core = await freshCore();
  for (const [name, code] of Object.entries(STATUS)) {
    assert.is(core.statusName(code), name, `code ${code}`);
    assert.is(core.exports.status_name_len(code), name.length, `length of ${name}`);
  }
});

test("status_name gives UNKNOWN_STATUS for undefined codes", async () => {
  const core = await freshCore();
  for (const code of [2, -19, -26, -41, -49, -58, 2147483647, -2147483648]) {
    assert.is(core.statusName(code), "UNKNOWN_STATUS", `code ${code}`);
  }
});

test("status_name keeps one address for every code", async () => {
  const core = await freshCore();
  assert.is(core.exports.status_name(-1), core.exports.status_name(-40));
});

test.run();
