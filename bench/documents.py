#!/usr/bin/env python3
"""Uploads N files of SIZE bytes in parallel to one `subsidie serve` and reports the
server's peak RSS (VmHWM). Used by bench/documents.sh; standard library only.

    documents.py ADDR TOKEN APPLICATION_ID SERVER_PID N SIZE

The client sends the same content object from every thread in pieces (prefix, content,
suffix), so it holds one file in memory, not N.
"""
import hashlib
import http.client
import json
import sys
import threading
import time


def vm_hwm_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


def main():
    addr, token, app, pid, n, size = sys.argv[1:7]
    n, size = int(n), int(size)
    host, port = addr.rsplit(":", 1)
    content = bytearray(b"%PDF-1.4\n% bench\n")
    block = bytes(range(256)) * 4096
    while len(content) < size - 6:
        content += block[: size - 6 - len(content)]
    content += b"%%EOF\n"
    content = bytes(content)
    sha = hashlib.sha256(content).hexdigest()
    boundary = "bench-grens-0a1b2c"
    results, lock = [], threading.Lock()

    def one(i):
        prefix = (
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"soort\"\r\n\r\noverig\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"bestand\"; filename=\"bench-{i}.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        suffix = f"\r\n--{boundary}--\r\n".encode()
        started = time.monotonic()
        conn = http.client.HTTPConnection(host, int(port), timeout=600)
        conn.putrequest("POST", f"/api/v1/aanvragen/{app}/documenten")
        conn.putheader("Authorization", f"Bearer {token}")
        conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        conn.putheader("Content-Length", str(len(prefix) + len(content) + len(suffix)))
        conn.endheaders()
        conn.send(prefix)
        view = memoryview(content)
        for at in range(0, len(content), 256 * 1024):
            conn.send(view[at : at + 256 * 1024])
        conn.send(suffix)
        res = conn.getresponse()
        body = res.read()
        ok = res.status == 201 and json.loads(body).get("sha256") == sha
        with lock:
            results.append((res.status, ok, time.monotonic() - started, body[:200]))

    before = vm_hwm_kib(pid)
    started = time.monotonic()
    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - started
    peak = vm_hwm_kib(pid)
    good = sum(1 for r in results if r[1])
    for status, ok, _, body in results:
        if not ok:
            print(f"refused: {status} {body!r}", file=sys.stderr)
    print(
        f"RESULT uploads={n} size_mib={size / 1048576:.0f} ok={good} seconds={took:.1f} "
        f"rss_before_mib={before / 1024:.1f} peak_rss_mib={peak / 1024:.1f}"
    )
    sys.exit(0 if good == n else 1)


if __name__ == "__main__":
    main()
