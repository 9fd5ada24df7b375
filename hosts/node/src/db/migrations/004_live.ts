/**
 * The live stream: presence sweeps, motion event columns and indexes, and a bounded event history.
 *
 * - devices.batch_interval_sec is the interval_sec of the home base's latest batch, so the presence
 *   sweeper can tell when three intervals passed without one.
 * - motion_events gets zone and confidence columns (from the signed payload) and the indexes of
 *   GET /motion-events; device_logs gets the index of its network filter.
 * - event_retention remembers the highest event id deleted by pruning, so a WebSocket client that
 *   resumes from an older id is told that events were lost instead of silently missing them.
 */
import type { Knex } from "knex";

const UP = [
  "alter table devices add column batch_interval_sec integer check (batch_interval_sec > 0)",
  "alter table motion_events add column zone text",
  "alter table motion_events add column confidence double precision check (confidence between 0 and 1)",
  "update motion_events set zone = data->>'zone', confidence = (data->>'confidence')::double precision",
  "create index motion_events_network_timestamp_idx on motion_events (network_id, timestamp desc, id desc)",
  "create index device_logs_network_timestamp_idx on device_logs (network_id, timestamp desc, id desc)",
  "create index events_time_idx on events (time)",
  "create table event_retention (singleton boolean primary key default true check (singleton), pruned_through bigint not null default 0)",
  "insert into event_retention (singleton, pruned_through) values (true, 0)",
];

const DOWN = [
  "drop table event_retention",
  "drop index events_time_idx",
  "drop index device_logs_network_timestamp_idx",
  "drop index motion_events_network_timestamp_idx",
  "alter table motion_events drop column confidence",
  "alter table motion_events drop column zone",
  "alter table devices drop column batch_interval_sec",
];

export async function up(knex: Knex): Promise<void> {
  for (const statement of UP) await knex.raw(statement);
}

export async function down(knex: Knex): Promise<void> {
  for (const statement of DOWN) await knex.raw(statement);
}
