#!/usr/bin/env python3
"""Memory per idle subscriber: opens N connections to a RESP server on 127.0.0.1, each SUBSCRIBEs to its own channel
and then stays idle; reports the server's RSS (VmRSS of --pid) before and after, and the difference per connection.

Usage: idle_subscribers.py --port P --pid PID [--count 10000] [--channels distinct|shared]
"""
import argparse, socket, time, sys

from benchlib import proc_status_kib


def rss_kib(pid):
    return proc_status_kib(pid, "VmRSS")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--channels", choices=["distinct", "shared"], default="distinct")
    parser.add_argument("--settle", type=float, default=2.0, help="seconds to let the server settle before reading RSS")
    args = parser.parse_args()

    time.sleep(args.settle)
    before = rss_kib(args.pid)
    sockets = []
    deadline = time.time() + 120
    for i in range(args.count):
        s = socket.create_connection(("127.0.0.1", args.port), timeout=10)
        channel = f"idle:{i}" if args.channels == "distinct" else "idle:shared"
        s.sendall(f"*2\r\n$9\r\nSUBSCRIBE\r\n${len(channel)}\r\n{channel}\r\n".encode())
        sockets.append(s)
        if time.time() > deadline:
            sys.exit("timed out opening connections")
    # Every confirmation must have arrived: the server has registered every subscription.
    for s in sockets:
        data = b""
        while not data.endswith(b":1\r\n"):
            chunk = s.recv(256)
            if not chunk:
                sys.exit("a subscriber was disconnected")
            data += chunk
    time.sleep(args.settle)
    after = rss_kib(args.pid)
    per = (after - before) * 1024 / args.count
    print(f"connections={args.count} rss_before_kib={before} rss_after_kib={after} bytes_per_subscriber={per:.0f}")
    for s in sockets:
        s.close()


if __name__ == "__main__":
    main()
