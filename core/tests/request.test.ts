import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadCore } from "../../hosts/node/src/core/index.ts";
import { STATUS, freshCore, fromHex, readVectors, setNetworkId, statusCode, writeKey, writeNetworkKey } from "./helpers.ts";

interface RequestVector {
  name: string;
  canonical: string;
  signature: string;
  public_key: string;
  now: number;
  verify: string;
  form: string;
  nonce?: string;
  signed_message?: string;
}

interface RequestAcceptVector {
  name: string;
  network_id: string | null;
  canonical: string;
  signature: string;
  now: number;
  accept: string;
}

const data = readVectors<{
  source: string;
  keys: { network: { public_key: string } };
  vectors: RequestVector[];
  accept: RequestAcceptVector[];
}>("requests.json");

test("request vectors name their source", () => {
  assert.ok(data.source.length > 0);
  assert.ok(data.vectors.length >= 40);
});

test("request_verify returns each vector's status", async () => {
  const core = await loadCore();
  for (const v of data.vectors) {
    const result = core.verifyRequest(v.canonical, fromHex(v.signature), fromHex(v.public_key), v.now);
    if (v.verify === "OK") {
      assert.ok(result.ok, `${v.name}: ${result.ok ? "" : result.code}`);
      if (result.ok) assert.is(result.nonce, v.nonce, `${v.name} nonce`);
    } else {
      assert.not.ok(result.ok, v.name);
      if (!result.ok) {
        assert.is(result.code, v.verify, v.name);
        assert.is(result.status, statusCode(v.verify), `${v.name} status`);
      }
    }
  }
});

test("request_signed_message matches the encoder's bytes", async () => {
  const core = await loadCore();
  for (const v of data.vectors) {
    const result = core.requestSignedMessage(v.canonical);
    if (v.form === "OK") {
      assert.ok(result.ok, v.name);
      if (result.ok) assert.is(result.message.toString("hex"), v.signed_message, v.name);
    } else {
      assert.not.ok(result.ok, v.name);
      if (!result.ok) assert.is(result.code, v.form, v.name);
    }
  }
});

test("request_accept returns each accept vector's status", async () => {
  assert.ok(data.accept.length >= 10);
  for (const v of data.accept) {
    const core = await freshCore();
    const text = Buffer.from(v.canonical, "utf8");
    writeNetworkKey(core, fromHex(data.keys.network.public_key));
    if (v.network_id !== null) assert.is(setNetworkId(core, v.network_id), "OK", v.name);
    core.write(core.exports.buffer_request(), text, 512);
    core.write(core.exports.buffer_signature(), fromHex(v.signature), 64);

    assert.is(core.statusName(core.exports.request_accept(text.length, v.now)), v.accept, v.name);
    assert.is(core.exports.replay_floor_due(), v.accept === "OK" ? 1 : 0, `${v.name}: replay_floor_due`);
  }
});

test("request_nonce_offset points at the nonce line", async () => {
  const core = await freshCore();
  const v = data.vectors.find((item) => item.name === "ingest request")!;
  const text = Buffer.from(v.canonical, "utf8");
  core.write(core.exports.buffer_request(), text, 512);
  core.write(core.exports.buffer_signature(), fromHex(v.signature), 64);
  writeKey(core, fromHex(v.public_key));

  assert.is(core.exports.request_verify(text.length, v.now), STATUS.OK);
  const offset = core.exports.request_nonce_offset();
  assert.is(offset, v.canonical.split("\n").slice(0, 4).join("\n").length + 1);
  assert.is(core.read(core.exports.buffer_request() + offset, 32).toString("ascii"), v.nonce);
});

test("request_verify takes the clock as an unsigned value", async () => {
  const core = await loadCore();
  const v = data.vectors.find((item) => item.name === "timestamp at the u32 maximum")!;
  const result = core.verifyRequest(v.canonical, fromHex(v.signature), fromHex(v.public_key), 4294967295);
  assert.ok(result.ok);
  const behind = core.verifyRequest(v.canonical, fromHex(v.signature), fromHex(v.public_key), 0);
  assert.not.ok(behind.ok);
  if (!behind.ok) assert.is(behind.code, "REQUEST_TIMESTAMP_SKEW");
});

test("request_verify rejects a length above the request buffer", async () => {
  const core = await freshCore();
  assert.is(core.exports.request_verify(513, 0), STATUS.REQUEST_BAD_FORM);
  assert.is(core.exports.request_verify(-1, 0), STATUS.REQUEST_BAD_FORM);
  assert.is(core.exports.request_signed_message(513), STATUS.REQUEST_BAD_FORM);
});

test.run();
