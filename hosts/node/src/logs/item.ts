/**
 * One stored log line as the API shows it, in GET /logs and in log_entry events. The database
 * drivers differ (pg returns bigint as a string, PGlite as a number), so every field is converted here.
 */
export interface LogItem {
  id: string;
  network_id: string;
  device_id: string;
  home_base_id: string;
  timestamp: string;
  seq: number;
  level: string;
  category: string;
  message: string;
  received_at: string;
}

export interface LogRow {
  id: string | number | bigint;
  network_id: string;
  device_id: string;
  home_base_id: string;
  timestamp: Date | string;
  seq: string | number | bigint;
  level: string;
  category: string;
  message: string;
  received_at: Date | string;
}

export const LOG_COLUMNS = ["id", "network_id", "device_id", "home_base_id", "timestamp", "seq", "level", "category", "message", "received_at"];

export function toLogItem(row: LogRow): LogItem {
  return {
    id: String(row.id),
    network_id: row.network_id,
    device_id: row.device_id,
    home_base_id: row.home_base_id,
    timestamp: new Date(row.timestamp).toISOString(),
    seq: Number(row.seq),
    level: row.level,
    category: row.category,
    message: row.message,
    received_at: new Date(row.received_at).toISOString(),
  };
}
