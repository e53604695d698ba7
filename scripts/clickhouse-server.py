#!/usr/bin/env python3
"""Serve ClickHouse over HTTP and the native protocol from libchdb, in its own process.

libchdb is ClickHouse built as a library. Its command-line entry point takes clickhouse-local
arguments; `SYSTEM START LISTEN` opens the configured ports, and a query that never ends keeps the
engine (and so the listeners) alive. A second thread runs that query; the main thread waits for
SIGTERM/SIGINT, then cancels the holding query through the server itself and exits.

The JVM never loads libchdb: a 500 MB native library with its own allocator and signal handlers
belongs in a process of its own.
"""
import argparse
import ctypes
import os
import signal
import sys
import threading
import time
import urllib.request

HOLD_QUERY_ID = "btda-clickhouse-hold"
# One row per block, one second per row: a query that never ends yet costs no CPU.
HOLD_QUERY = ("SELECT sleepEachRow(1) FROM system.numbers "
              "SETTINGS max_block_size = 1 FORMAT Null")


def log(msg):
    print(f"clickhouse-server: {msg}", file=sys.stderr, flush=True)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lib", required=True, help="path to libchdb.so")
    p.add_argument("--path", required=True, help="data directory (kept across restarts)")
    p.add_argument("--http-port", type=int, default=8123)
    p.add_argument("--tcp-port", type=int, default=9000)
    p.add_argument("--listen-host", default="127.0.0.1")
    p.add_argument("--watch-pid", type=int, default=0,
                   help="stop when this process ends (tests pass their JVM's pid so no server outlives them)")
    return p.parse_args(argv)


def load(lib_path):
    lib = ctypes.CDLL(lib_path)
    # chdb_result *chdb_query_cmdline(int argc, char **argv)
    lib.chdb_query_cmdline.restype = ctypes.c_void_p
    lib.chdb_query_cmdline.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_char_p)]
    lib.chdb_result_error.restype = ctypes.c_char_p
    lib.chdb_result_error.argtypes = [ctypes.c_void_p]
    lib.chdb_destroy_query_result.restype = None
    lib.chdb_destroy_query_result.argtypes = [ctypes.c_void_p]
    return lib


def http_query(host, port, sql, timeout=10.0):
    req = urllib.request.Request(f"http://{host}:{port}/", data=sql.encode(), method="POST")
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.read().decode()


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def main(argv):
    args = parse_args(argv)
    os.makedirs(args.path, exist_ok=True)
    lib = load(args.lib)
    query = f"SYSTEM START LISTEN HTTP; SYSTEM START LISTEN TCP; {HOLD_QUERY}"
    cmd = [
        "clickhouse",
        f"--path={os.path.abspath(args.path)}",
        f"--listen_host={args.listen_host}",
        f"--http_port={args.http_port}",
        f"--tcp_port={args.tcp_port}",
        f"--query_id={HOLD_QUERY_ID}",
        f"--query={query}",
    ]
    c_argv = (ctypes.c_char_p * len(cmd))(*[a.encode() for a in cmd])
    outcome = {}
    stopping = threading.Event()

    def serve():
        res = lib.chdb_query_cmdline(len(cmd), c_argv)
        err = lib.chdb_result_error(res) if res else b"no result"
        outcome["error"] = err.decode(errors="replace") if err else None
        if res:
            lib.chdb_destroy_query_result(res)
        stopping.set()

    def on_signal(signum, _frame):
        log(f"signal {signum}, stopping")
        outcome["signalled"] = True
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    worker = threading.Thread(target=serve, name="chdb", daemon=True)
    worker.start()
    log(f"serving {args.path} on {args.listen_host} http={args.http_port} tcp={args.tcp_port}")
    # Event.wait with a timeout keeps the main thread in Python code so signal handlers run.
    while not stopping.wait(0.5):
        if args.watch_pid and not alive(args.watch_pid):
            log(f"watched process {args.watch_pid} ended, stopping")
            outcome["signalled"] = True
            break

    if not outcome.get("signalled"):
        # The holding query ended without being asked to: the engine failed (port taken, bad path...).
        log(f"engine stopped unexpectedly: {outcome.get('error')}")
        os._exit(1)

    try:
        http_query(args.listen_host, args.http_port,
                   f"KILL QUERY WHERE query_id = '{HOLD_QUERY_ID}' SYNC")
    except Exception as e:  # the engine may already be gone
        log(f"cancel failed: {e}")
    worker.join(15)
    if worker.is_alive():
        log("engine did not stop within 15 s; exiting anyway")
        os._exit(1)
    log("stopped")
    # os._exit: the library's static destructors are not safe to run at interpreter exit.
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
