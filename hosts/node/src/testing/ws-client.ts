/** A WebSocket test client that records every message it receives and how it closed. */
import { WebSocket } from "ws";

/** Collects the messages and the close of one client. */
export function connectWs(url: string, headers: Record<string, string> = {}) {
  const socket = new WebSocket(url, { headers });
  const messages: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  socket.on("message", (data) => {
    messages.push(JSON.parse(data.toString()) as Record<string, unknown>);
    for (const waiter of waiters.splice(0)) waiter();
  });
  const opened = new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  const rejected = new Promise<number>((resolve) => socket.once("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0)));

  /** Waits until `count` messages arrived; fails after 3 s. */
  const messageCount = (count: number) =>
    new Promise<Record<string, unknown>[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`received ${messages.length} of ${count} messages within 3000 ms`)), 3000);
      const check = () => {
        if (messages.length >= count) {
          clearTimeout(timer);
          resolve(messages);
        } else waiters.push(check);
      };
      check();
    });
  /** Waits for the first message whose `type` is `type`, whatever came before it; fails after 3 s. */
  const messageOfType = (type: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} message within 3000 ms, got ${JSON.stringify(messages.map((m) => m.type))}`)), 3000);
      const check = () => {
        const found = messages.find((message) => message.type === type);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        } else waiters.push(check);
      };
      check();
    });

  return { socket, messages, opened, closed, rejected, messageCount, messageOfType };
}
