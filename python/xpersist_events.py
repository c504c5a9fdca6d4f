"""Live task states for the vscode-xpersist flow runner, from whichever process runs the task.

With Prefect 1.x's LocalExecutor (and LocalDaskExecutor with threads) tasks run in the flow
runner's process; with LocalDaskExecutor(scheduler="processes") in local child processes; with
DaskExecutor on Dask workers that may be on other machines. Prefect calls the TaskRunner's state
handlers where the task runs, so this module must be importable there: local children inherit
sys.path, and the runner uploads this file to Dask workers (`Client.upload_file`). The handler
is a module-level function so that pickle refers to it by name instead of copying it.

Where an event goes:
- in the runner's own process: the runner's connection to the editor (`set_sink`);
- on a Dask worker: `Worker.log_event(TOPIC, ...)`, relayed by the scheduler to the runner,
  which subscribed to TOPIC (workers need not reach the editor's 127.0.0.1);
- in any other local process: its own connection to the editor, from the environment the
  runner passed down ($XPERSIST_EVENTS_PORT / $XPERSIST_EVENTS_TOKEN).
"""

import json
import os
import socket
import sys
import threading
import time
import traceback

TOPIC = "vscode-xpersist-run"
_sink = None  # the runner's sender, set in the runner's process only
_sink_pid = None
_local = None  # a child process's own connection
_lock = threading.Lock()


class Connection:
    """One JSON line per event over TCP to the editor; stderr when that is not possible."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sock = None
        port = os.environ.get("XPERSIST_EVENTS_PORT")
        if port:
            try:
                self.sock = socket.create_connection(("127.0.0.1", int(port)), timeout=5)
                self.sock.sendall((os.environ.get("XPERSIST_EVENTS_TOKEN", "") + "\n").encode())
            except OSError as e:
                print(f"[xpersist] could not reach the editor for live task states: {e}", file=sys.stderr)
                self.sock = None

    def send(self, event):
        event.setdefault("time", time.time())
        line = json.dumps(event, default=repr)
        with self.lock:
            if self.sock is not None:
                try:
                    self.sock.sendall((line + "\n").encode())
                    return
                except OSError:
                    self.sock = None
            print("XPERSIST_EVENT " + line, file=sys.stderr, flush=True)


def set_sink(connection):
    """Called by the runner: events raised in this process go to `connection`."""
    global _sink, _sink_pid
    _sink, _sink_pid = connection, os.getpid()


def _dask_worker():
    try:
        from distributed import get_worker

        return get_worker()
    except (ImportError, ValueError):  # not on a Dask worker
        return None


def emit(event):
    if _sink is not None and _sink_pid == os.getpid():
        _sink.send(event)
        return
    worker = _dask_worker()
    if worker is not None:
        event.setdefault("time", time.time())
        # msgpack: plain JSON types only.
        worker.log_event(TOPIC, json.loads(json.dumps(event, default=repr)))
        return
    global _local
    with _lock:
        if _local is None:
            _local = Connection()
    _local.send(event)


# Functions of the flow file reach Dask workers pickled by value (the file is no importable
# module there), and their code arrives named "<dynamic-code>": such frames are the file's.
DYNAMIC_CODE = "<dynamic-code>"


def user_frame(tb, file):
    """The innermost traceback frame in the user's flow file: where the link should go."""
    best = None
    for frame in traceback.extract_tb(tb):
        if frame.filename == DYNAMIC_CODE or os.path.abspath(frame.filename) == file:
            best = frame
    return {"file": file, "line": best.lineno} if best else None


def describe_state(state, file):
    info = {"state": type(state).__name__, "message": str(state.message) if state.message else None}
    result = getattr(state, "_result", None)
    location = getattr(result, "location", None)
    if location and state.is_successful():
        info["location"] = str(location)
    if state.is_failed():
        exc = state.result if isinstance(state.result, BaseException) else None
        if exc is not None:
            info["exception"] = f"{type(exc).__name__}: {exc}"
            text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            info["traceback"] = text.replace(f'File "{DYNAMIC_CODE}"', f'File "{file}"') if file else text
            info["where"] = user_frame(exc.__traceback__, file)
        elif state.message:
            info["exception"] = str(state.message)
    return info


def task_handler(runner, old_state, new_state, file=""):
    """A TaskRunner state handler (bound to the flow file with functools.partial)."""
    import prefect

    task = runner.task
    try:
        emit(
            dict(
                event="task",
                task=task.name,
                slug=prefect.context.get("task_slug") or task.slug,
                map_index=prefect.context.get("map_index"),
                flow=prefect.context.get("flow_name"),
                pid=os.getpid(),
                **describe_state(new_state, file),
            )
        )
    except Exception as e:  # observing must never change what the flow computes
        print(f"[xpersist] live task state not sent: {e}", file=sys.stderr)
    return new_state


def flush_marker(token, dask_worker=None):
    """Run on every Dask worker at the end (Client.run passes the worker as `dask_worker`): its
    marker travels the same stream as its earlier events, so it arrives after all of them."""
    if dask_worker is not None:
        dask_worker.log_event(TOPIC, {"event": "flush", "token": token, "worker": dask_worker.address})
    return True
