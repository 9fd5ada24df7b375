/**
 * POST /motion-events/media (docs/protocol.md section 12.1): a home base reports where it stored
 * the media of motion events. Each report names a motion event by (device id, seq) in the signer's
 * network and gives the media's path on the home base. The path is set on the stored event. An
 * event may not have arrived yet, because the batch carrying it can come later, so its path waits
 * in motion_media_pending until insertMotions stores the event and applies it. Reporting the same
 * path again changes nothing, so a home base may resend a report whose answer it lost.
 *
 * Limits: a pending path whose event never arrives is deleted PENDING_MEDIA_TTL_SEC after its last
 * report. A report for a device that is not in the network is listed as rejected and not kept.
 */
import type { Knex } from "knex";
import { nowSec } from "../clock.ts";
import type { AppDeps } from "../deps.ts";
import { ApiError } from "../errors.ts";
import { invalid, rejectUnknownFields, requireInteger, requireString } from "../http/validate.ts";
import { MEDIA_PATH_PATTERN } from "../ingest/payloads.ts";
import type { HomeBaseSigner } from "../ingest/signature.ts";
import { isoOfSec } from "../ingest/store.ts";
import { DEVICE_ID_PATTERN } from "../networks/devices.ts";

export const MEDIA_REPORTS_MAX_COUNT = 64;
export const MEDIA_REPORTS_BODY_MAX_BYTES = 16 * 1024;
/** The maximum path length, as at ingest; the home base's paths have at most 51 characters. */
const MEDIA_PATH_MAX_CHARS = 128;
const SEQ_MAX = 4294967295;
/** A week: far beyond any outage a spooled batch waits through. */
export const PENDING_MEDIA_TTL_SEC = 7 * 24 * 3600;

export interface MediaReport {
  device_id: string;
  seq: number;
  path: string;
}

export interface MediaReportsBody {
  key_id: string;
  media: MediaReport[];
}

export interface MediaReportsAnswer {
  /** Reports set on a stored motion event. */
  linked: number;
  /** Reports kept until their motion event arrives. */
  pending: number;
  rejected: { index: number; code: string }[];
}

function parseReport(item: unknown, index: number): MediaReport {
  const field = `media[${index}]`;
  if (item === null || typeof item !== "object" || Array.isArray(item)) throw invalid(field, `${field} must be an object`);
  const entry = item as Record<string, unknown>;
  rejectUnknownFields(entry, ["device_id", "seq", "path"], `${field}.`);

  const deviceId = requireString(entry, "device_id", 1, 15, `${field}.device_id`);
  if (!DEVICE_ID_PATTERN.test(deviceId)) throw invalid(`${field}.device_id`, `${field}.device_id ${JSON.stringify(deviceId)} is not a device id`);
  const seq = requireInteger(entry, "seq", 1, SEQ_MAX, `${field}.seq`);
  const path = requireString(entry, "path", 1, MEDIA_PATH_MAX_CHARS, `${field}.path`);
  if (!MEDIA_PATH_PATTERN.test(path)) throw invalid(`${field}.path`, `${field}.path ${JSON.stringify(path)} is not a media path: segments of A-Z a-z 0-9 _ - . split by single slashes, none of them . or ..`);
  return { device_id: deviceId, seq, path };
}

/** Checks the shape of the body; throws VALIDATION_FAILED naming the first bad field. */
export function validateMediaReports(body: Record<string, unknown>): MediaReportsBody {
  rejectUnknownFields(body, ["key_id", "media"]);
  const keyId = requireString(body, "key_id", 1, 52);
  const list = body.media;
  if (!Array.isArray(list)) throw invalid("media", "media must be an array");
  if (list.length > MEDIA_REPORTS_MAX_COUNT) throw invalid("media", `media has ${list.length} items, expected at most ${MEDIA_REPORTS_MAX_COUNT}`);
  return { key_id: keyId, media: list.map(parseReport) };
}

/** Sets the path on the stored event, or keeps it pending; returns what happened. */
async function applyReport(trx: Knex.Transaction, networkId: string, report: MediaReport, now: number): Promise<"linked" | "pending" | "DEVICE_NOT_FOUND"> {
  const device = await trx("devices").where({ network_id: networkId, device_id: report.device_id }).first("device_id");
  if (!device) return "DEVICE_NOT_FOUND";

  const updated = await trx("motion_events")
    .where({ network_id: networkId, device_id: report.device_id, seq: report.seq })
    .update({ media_path: report.path });
  if (Number(updated) > 0) return "linked";

  await trx.raw(
    `insert into motion_media_pending (network_id, device_id, seq, path, reported_at) values (?::uuid, ?, ?, ?, ?)
     on conflict (network_id, device_id, seq) do update set path = excluded.path, reported_at = excluded.reported_at`,
    [networkId, report.device_id, report.seq, report.path, isoOfSec(now)],
  );
  return "pending";
}

/** Applies every report of a validated body from `signer` in one transaction. Throws KEY_ID_MISMATCH. */
export async function applyMediaReports(deps: AppDeps, signer: HomeBaseSigner, body: MediaReportsBody): Promise<MediaReportsAnswer> {
  if (body.key_id !== signer.keyId) throw new ApiError("KEY_ID_MISMATCH", `key_id ${body.key_id} differs from header X-Mesh-Key-Id ${signer.keyId}`);
  const now = nowSec(deps.clock);
  const log = deps.log.child({ keyId: signer.keyId });

  return deps.db.transaction(async (trx) => {
    const answer: MediaReportsAnswer = { linked: 0, pending: 0, rejected: [] };
    await trx("motion_media_pending").where("reported_at", "<", isoOfSec(now - PENDING_MEDIA_TTL_SEC)).delete();

    for (const [index, report] of body.media.entries()) {
      const outcome = await applyReport(trx, signer.networkId, report, now);
      if (outcome === "linked") answer.linked++;
      else if (outcome === "pending") answer.pending++;
      else {
        answer.rejected.push({ index, code: outcome });
        log.warn("media report rejected", { index, deviceId: report.device_id, seq: report.seq, code: outcome });
      }
    }
    return answer;
  });
}
