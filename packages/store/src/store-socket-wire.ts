import type net from "node:net";

/* The few Postgres wire-protocol messages the store socket writes and reads. */

const encoder = new TextEncoder();

export function message(type: string, body: Uint8Array): Buffer {
  const out = Buffer.alloc(5 + body.length);
  out.write(type, 0, "latin1");
  out.writeInt32BE(4 + body.length, 1);
  out.set(body, 5);
  return out;
}

export const query = (text: string) => message("Q", encoder.encode(`${text}\0`));

export function startupReply(version: string): Buffer {
  const int32 = (value: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(value);
    return b;
  };
  const status = (name: string, value: string) => message("S", encoder.encode(`${name}\0${value}\0`));
  const settings: [string, string][] = [
    ["server_version", version],
    ["server_encoding", "UTF8"],
    ["client_encoding", "UTF8"],
    ["DateStyle", "ISO, MDY"],
    ["integer_datetimes", "on"],
    ["standard_conforming_strings", "on"],
    ["TimeZone", "UTC"],
  ];
  return Buffer.concat([
    message("R", int32(0)),
    ...settings.map(([name, value]) => status(name, value)),
    message("K", Buffer.concat([int32(0), int32(0)])),
    message("Z", encoder.encode("I")),
  ]);
}

/** Answers one startup-phase message at the head of `pending` (null until it is whole). */
export function startupFrame(
  pending: Buffer,
  socket: net.Socket,
  version: string,
): { bytes: number; started: boolean } | null {
  if (pending.length < 8) return null;
  const length = pending.readInt32BE(0);
  const code = pending.readInt32BE(4);
  if (pending.length < length) return null;
  if (code === 80877103) {
    socket.write("N"); // SSLRequest: no TLS on a local socket
    return { bytes: length, started: false };
  }
  if (code === 196608) {
    socket.write(startupReply(version));
    return { bytes: length, started: true };
  }
  socket.destroy(); // CancelRequest, GSSAPI, other protocol versions
  return { bytes: length, started: false };
}

/** The transaction status of the last ReadyForQuery in `reply`, if any. */
export function lastStatus(reply: Buffer): string | null {
  let status: string | null = null;
  for (let at = 0; at + 5 <= reply.length; ) {
    const length = 1 + reply.readInt32BE(at + 1);
    if (reply[at] === 0x5a) status = String.fromCharCode(reply[at + 5] as number);
    at += length;
  }
  return status;
}
