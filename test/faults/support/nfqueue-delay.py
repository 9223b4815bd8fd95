"""Holds every packet of an NFQUEUE queue for DELAY_MS ± JITTER_MS (uniform) and drops
LOSS_PCT percent of them: netem's `delay 200ms 50ms loss 5%` in user space, for kernels
without sch_netem. The fault suite (test/faults/support/namespaces.ts) starts it inside
a machine's network namespace, after an iptables rule that queues the machine's
outgoing packets (`-j NFQUEUE --queue-num Q --queue-bypass`). Standard library only.

Usage: python3 nfqueue-delay.py QUEUE DELAY_MS JITTER_MS LOSS_PCT
Prints "ready" once bound; runs until killed.
"""

import heapq
import random
import select
import socket
import struct
import sys
import time

NETLINK_NETFILTER = 12
NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET, NFQNL_MSG_VERDICT, NFQNL_MSG_CONFIG = 0, 1, 2
NFQA_CFG_CMD, NFQA_CFG_PARAMS, NFQA_CFG_QUEUE_MAXLEN = 1, 2, 3
NFQNL_CFG_CMD_BIND, NFQNL_COPY_META = 1, 1
NFQA_PACKET_HDR, NFQA_VERDICT_HDR = 1, 2
NF_DROP, NF_ACCEPT = 0, 1
NLM_F_REQUEST = 1
NLMSG_ERROR = 2


def attribute(kind, payload):
    length = 4 + len(payload)
    return struct.pack("=HH", length, kind) + payload + b"\0" * ((4 - length % 4) % 4)


def message(kind, queue, payload, seq=0):
    body = struct.pack("=BBH", socket.AF_UNSPEC, 0, socket.htons(queue)) + payload
    header = struct.pack("=IHHII", 16 + len(body), (NFNL_SUBSYS_QUEUE << 8) | kind, NLM_F_REQUEST, seq, 0)
    return header + body


def packet_ids(data):
    """The packet ids of the NFQNL_MSG_PACKET messages in one netlink read."""
    offset = 0
    while offset + 16 <= len(data):
        length, kind = struct.unpack_from("=IH", data, offset)
        if length < 16:
            return
        if kind == (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET:
            at = offset + 20
            while at + 4 <= offset + length:
                size, attr = struct.unpack_from("=HH", data, at)
                if size < 4:
                    break
                if attr & 0x7FFF == NFQA_PACKET_HDR:
                    yield struct.unpack_from("!I", data, at + 4)[0]
                at += (size + 3) & ~3
        offset += (length + 3) & ~3


def main():
    queue, delay_ms, jitter_ms, loss_pct = (float(arg) for arg in sys.argv[1:5])
    queue = int(queue)
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sock.bind((0, 0))
    sock.send(message(NFQNL_MSG_CONFIG, queue, attribute(NFQA_CFG_CMD, struct.pack("!BBH", NFQNL_CFG_CMD_BIND, 0, 0))))
    sock.send(message(NFQNL_MSG_CONFIG, queue, attribute(NFQA_CFG_PARAMS, struct.pack("!IB", 0, NFQNL_COPY_META))))
    sock.send(message(NFQNL_MSG_CONFIG, queue, attribute(NFQA_CFG_QUEUE_MAXLEN, struct.pack("!I", 20000))))
    print("ready", flush=True)
    held = []
    while True:
        timeout = max(0.0, held[0][0] - time.monotonic()) if held else None
        readable, _, _ = select.select([sock], [], [], timeout)
        if readable:
            try:
                data = sock.recv(1 << 16)
            except OSError:
                continue
            now = time.monotonic()
            for packet_id in packet_ids(data):
                delay = max(0.0, delay_ms + random.uniform(-jitter_ms, jitter_ms)) / 1000
                verdict = NF_DROP if random.uniform(0, 100) < loss_pct else NF_ACCEPT
                heapq.heappush(held, (now + delay, packet_id, verdict))
        now = time.monotonic()
        while held and held[0][0] <= now:
            _, packet_id, verdict = heapq.heappop(held)
            payload = attribute(NFQA_VERDICT_HDR, struct.pack("!II", verdict, packet_id))
            sock.send(message(NFQNL_MSG_VERDICT, queue, payload))


if __name__ == "__main__":
    main()
