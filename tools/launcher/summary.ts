/**
 * The lines the launcher prints once everything runs. They name where the credentials are and how
 * to compute a TOTP code, and never contain the password or the TOTP secret.
 */
import { dashboardTokenPath } from "./dashboard-token.ts";
import type { LauncherSettings } from "./settings.ts";

export function summaryLines(settings: LauncherSettings, paths: { credentials: string; devices: string }, firstStart: boolean): string[] {
  const database = settings.databaseUrl ? "PostgreSQL from DATABASE_URL" : `embedded PGlite in ${settings.dataDir}`;
  const lines = [
    "homemesh is running; press Ctrl-C to stop everything",
    `  central server    http://127.0.0.1:${settings.serverPort}  (health: /healthz)`,
    `  home base         http://127.0.0.1:${settings.homeBaseHttpPort}/api/v1/status, radio link to radio-sim`,
    `  home base token   send Authorization: Bearer <token> to /api/v1/status, /devices, /oled.png, /media and /ws; token in ${dashboardTokenPath(settings.dataDir)}`,
    `  radio-sim         hears device frames on UDP 127.0.0.1:${settings.homeBaseUdpPort}`,
    `  device simulator  devices from ${paths.devices}`,
    `  database          ${database}`,
    `  admin login       username and password in ${paths.credentials}`,
    "  TOTP code         oathtool --totp -b SECRET, where SECRET is the secret= value of otpauth_uri in that file",
  ];
  if (firstStart) lines.push("  the key generation output above shows the same credentials and a QR code for an authenticator app");
  return lines;
}
