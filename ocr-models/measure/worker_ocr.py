#!/usr/bin/env python3
"""Reads fixture pages through motcua's own OCR worker (import, preprocessing, warm engines).

Usage: worker_ocr.py [--worker PATH] [--languages L] [--tessdata DIR] PAGESDIR OUTDIR
Starts one motcua-scan-worker (OMP_THREAD_LIMIT=1) speaking the OCR pool protocol
(scan/ocr_protocol.h: 4-byte big-endian length + one JSON object) on a socketpair,
sends a "page" request for every PAGESDIR/*.png in name order, and writes each page's
text to OUTDIR/NAME.txt (a failed page: an empty file, its error on stderr). Pages
already in OUTDIR are skipped. Exit status: 0 every page read, 1 some failed or the
worker died, 2 bad usage.
"""
import argparse
import glob
import json
import os
import socket
import struct
import subprocess
import sys


def send(sock, msg):
    body = json.dumps(msg).encode("utf-8")
    sock.sendall(struct.pack(">I", len(body)) + body)


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError("the worker closed the connection")
        buf += chunk
    return buf


def recv(sock):
    (n,) = struct.unpack(">I", recv_exact(sock, 4))
    return json.loads(recv_exact(sock, n).decode("utf-8"))


def main():
    ap = argparse.ArgumentParser(description="OCR fixture pages with motcua-scan-worker.")
    ap.add_argument("--worker", default="build/bin/motcua-scan-worker")
    ap.add_argument("--languages", default="vie+eng")
    ap.add_argument("--tessdata")
    ap.add_argument("pages")
    ap.add_argument("out")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    todo = [p for p in sorted(glob.glob(os.path.join(a.pages, "*.png")))
            if not os.path.exists(os.path.join(a.out, os.path.basename(p)[:-4] + ".txt"))]
    if not todo:
        return 0
    argv = [a.worker, "--languages", a.languages] + (["--tessdata", a.tessdata] if a.tessdata else [])
    parent, child = socket.socketpair()
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    proc = subprocess.Popen(argv, stdin=child, stdout=child, env=env)
    child.close()
    failed = 0
    try:
        hello = recv(parent)
        if hello.get("op") != "ready":
            print(f"worker_ocr.py: the worker did not start: {hello.get('error')}", file=sys.stderr)
            return 1
        for path in todo:
            name = os.path.basename(path)[:-4]
            send(parent, {"op": "page", "path": os.path.abspath(path), "index": 0,
                          "pdf_out": None, "upright_out": None})
            reply = recv(parent)
            text = reply.get("text", "") if reply.get("ok") else ""
            if not reply.get("ok"):
                failed += 1
                print(f"worker_ocr.py: {name}: {reply.get('error')}", file=sys.stderr)
            with open(os.path.join(a.out, name + ".txt"), "w", encoding="utf-8") as f:
                f.write(text)
        send(parent, {"op": "quit"})
    except (EOFError, OSError, ValueError) as e:
        print(f"worker_ocr.py: {e}", file=sys.stderr)
        failed += 1
    finally:
        parent.close()
        proc.wait()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
