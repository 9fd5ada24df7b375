import { test } from "uvu";
import * as assert from "uvu/assert";
import { freshCore } from "./helpers.ts";
import { commandFrame, decodeName, frameText, base64Bytes } from "./v1_helpers.ts";

const KEY = base64Bytes(32, 1);
const SHA = base64Bytes(32, 2);
const SEALED = base64Bytes(80, 3);

test("each command name decodes to its code from section 6.2", async () => {
  const core = await freshCore();
  const commands: Array<[string, number]> = [
    ['{"id":1,"cmd":"reboot"}', 1],
    ['{"id":1,"cmd":"identify"}', 2],
    ['{"id":1,"cmd":"set_config","config":{}}', 3],
    [`{"id":1,"cmd":"rotate_key","sealed":"${SEALED}"}`, 4],
    [`{"id":1,"cmd":"ota_offer","version":"1.2.3","size":10,"sha256":"${SHA}"}`, 5],
    [`{"id":1,"cmd":"device_add","device":"attic","key":"${KEY}"}`, 16],
    [`{"id":1,"cmd":"device_rotate_key","device":"attic","key":"${KEY}"}`, 17],
    ['{"id":1,"cmd":"device_revoke","device":"attic"}', 18],
    [`{"id":1,"cmd":"set_dashboard_token","sha256":"${SHA}"}`, 19],
  ];
  for (const [payload, code] of commands) {
    assert.is(decodeName(core, commandFrame(payload)), "OK", payload);
    assert.is(core.exports.command_code(), code, payload);
    assert.is(core.exports.command_id(), 1, payload);
  }
});

test("the largest rotate_key of 156 bytes decodes with its sealed key", async () => {
  const core = await freshCore();
  const payload = `{"id":4294967295,"cmd":"rotate_key","sealed":"${SEALED}"}`;
  assert.is(payload.length, 156);
  assert.is(decodeName(core, commandFrame(payload)), "OK");
  assert.is(core.exports.command_id() >>> 0, 4294967295);
  assert.is(core.exports.decoded_len(), 80);
  assert.is(core.read(core.exports.buffer_decoded(), 80).toString("base64"), SEALED);
});

test("reboot and identify apply their defaults and take their numbers", async () => {
  const core = await freshCore();
  const cases: Array<[string, number]> = [
    ['{"id":1,"cmd":"reboot"}', 0],
    ['{"id":1,"cmd":"reboot","delay_sec":3600}', 3600],
    ['{"id":1,"cmd":"identify"}', 10],
    ['{"cmd":"identify","duration_sec":1,"id":2}', 1],
    [`{"id":1,"cmd":"ota_offer","version":"v","size":16777216,"sha256":"${SHA}"}`, 16777216],
  ];
  for (const [payload, number] of cases) {
    assert.is(decodeName(core, commandFrame(payload)), "OK", payload);
    assert.is(core.exports.command_number(), number, payload);
  }
});

test("set_config and ota_offer give their text, device commands their device argument", async () => {
  const core = await freshCore();
  assert.is(decodeName(core, commandFrame('{"id":3,"cmd":"set_config","config":{"a":[1,{"b":2}]}}')), "OK");
  assert.is(frameText(core, core.exports.command_text_offset(), core.exports.command_text_len()), '{"a":[1,{"b":2}]}');

  assert.is(decodeName(core, commandFrame(`{"id":3,"cmd":"ota_offer","version":"A-z_0.9+b","size":5,"sha256":"${SHA}"}`)), "OK");
  assert.is(frameText(core, core.exports.command_text_offset(), core.exports.command_text_len()), "A-z_0.9+b");
  assert.is(core.read(core.exports.buffer_decoded(), 32).toString("base64"), SHA);

  assert.is(decodeName(core, commandFrame(`{"id":3,"cmd":"device_add","device":"attic-2","key":"${KEY}"}`, "homebase")), "OK");
  assert.is(core.exports.command_device_len(), 7);
  assert.equal(core.read(core.exports.buffer_arg_device(), 16), Buffer.from("attic-2\0\0\0\0\0\0\0\0\0", "ascii"));
  assert.is(core.exports.command_text_len(), 0);
});

test("members are found across whitespace and nested strings with brackets and escapes", async () => {
  const core = await freshCore();
  const config = '{ "s" : "}]\\"{[" , "n" : [ { } , -1.5e3 ] }';
  const payload = ` \n{ "cmd" :\t"set_config" , "config" : ${config} ,\r\n "id" : 42 } `;
  assert.is(decodeName(core, commandFrame(payload)), "OK");
  assert.is(core.exports.command_id(), 42);
  assert.is(frameText(core, core.exports.command_text_offset(), core.exports.command_text_len()), config);
});

test("a cmd outside the table is COMMAND_UNKNOWN", async () => {
  const core = await freshCore();
  for (const payload of ['{"id":1,"cmd":"format"}', '{"id":1,"cmd":"Reboot"}', '{"cmd":"reboot2","extra":1}']) {
    assert.is(decodeName(core, commandFrame(payload)), "COMMAND_UNKNOWN", payload);
  }
});

test("a missing, repeated, unexpected, mistyped or out-of-range member is COMMAND_BAD_SCHEMA", async () => {
  const core = await freshCore();
  const bad = [
    '{"cmd":"reboot"}',
    '{"id":1}',
    '{"id":1,"cmd":5}',
    '{"id":1,"cmd":"reboot","cmd":"reboot"}',
    '{"id":1,"id":1,"cmd":"reboot"}',
    '{"id":0,"cmd":"reboot"}',
    '{"id":4294967296,"cmd":"reboot"}',
    '{"id":1.5,"cmd":"reboot"}',
    '{"id":1E1,"cmd":"reboot"}',
    '{"id":-1,"cmd":"reboot"}',
    '{"id":"1","cmd":"reboot"}',
    '{"id":1,"cmd":"reboot","args":{}}',
    '{"id":1,"cmd":"reboot","duration_sec":5}',
    '{"id":1,"cmd":"reboot","delay_sec":3601}',
    '{"id":1,"cmd":"reboot","delay_sec":1,"delay_sec":1}',
    '{"id":1,"cmd":"identify","duration_sec":0}',
    '{"id":1,"cmd":"identify","duration_sec":601}',
    '{"id":1,"cmd":"set_config"}',
    '{"id":1,"cmd":"set_config","config":[]}',
    '{"id":1,"cmd":"set_config","config":"{}"}',
    `{"id":1,"cmd":"rotate_key","sealed":"${base64Bytes(79)}"}`,
    `{"id":1,"cmd":"ota_offer","version":"","size":5,"sha256":"${SHA}"}`,
    `{"id":1,"cmd":"ota_offer","version":"${"v".repeat(17)}","size":5,"sha256":"${SHA}"}`,
    `{"id":1,"cmd":"ota_offer","version":"1 2","size":5,"sha256":"${SHA}"}`,
    `{"id":1,"cmd":"ota_offer","version":"1","size":0,"sha256":"${SHA}"}`,
    `{"id":1,"cmd":"ota_offer","version":"1","size":16777217,"sha256":"${SHA}"}`,
    '{"id":1,"cmd":"ota_offer","version":"1","size":5}',
    `{"id":1,"cmd":"device_add","key":"${KEY}"}`,
    `{"id":1,"cmd":"device_add","device":"a.b","key":"${KEY}"}`,
    `{"id":1,"cmd":"device_add","device":"${"d".repeat(16)}","key":"${KEY}"}`,
    `{"id":1,"cmd":"device_add","device":"attic","key":"${KEY.replace("=", "A")}"}`,
    '{"id":1,"cmd":"device_revoke","device":""}',
    `{"id":1,"cmd":"set_dashboard_token","sha256":"${KEY}","key":"${KEY}"}`,
  ];
  for (const payload of bad) assert.is(decodeName(core, commandFrame(payload)), "COMMAND_BAD_SCHEMA", payload);
});

test.run();
