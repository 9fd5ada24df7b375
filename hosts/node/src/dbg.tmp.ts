import { startTestApp } from "./testing/app.ts";
try { const app = await startTestApp(); await app.close(); console.log("ok"); } catch (e) { console.log("ERR", e); }
