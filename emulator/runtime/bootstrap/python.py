# The emulator's bootstrap for FunctionGraph Python 3 handlers (fgsdeploy).
#
# It loads the handler named by FGS_BOOT_HANDLER ("module.function", from
# the code directory, which is the working directory), runs the initializer
# named by FGS_BOOT_INITIALIZER once, then answers invocations: each request
# is one JSON document a line on fd 3, each answer one on fd 4. What the
# handler writes to stdout and stderr is the invocation's log; after each
# answer's output the bootstrap writes FGS_BOOT_MARKER to stdout, so that
# the emulator knows where one invocation's log ends.
import datetime
import importlib
import json
import os
import sys
import time
import traceback

MARKER = os.environ.pop("FGS_BOOT_MARKER", "").encode()
HANDLER = os.environ.pop("FGS_BOOT_HANDLER", "")
INITIALIZER = os.environ.pop("FGS_BOOT_INITIALIZER", "")
INIT_TIMEOUT = int(os.environ.pop("FGS_BOOT_INIT_TIMEOUT", "0") or 0)


def _now():
    t = datetime.datetime.now(datetime.timezone.utc)
    return t.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Logger:
    """The context's logger: "TIME REQUEST-ID LEVEL message" lines on stdout."""

    LEVELS = ("DEBUG", "INFO", "WARN", "ERROR")

    def __init__(self, request_id):
        self._request_id = request_id
        self._level = "INFO"

    def setLevel(self, level):
        if level in self.LEVELS:
            self._level = level

    set_level = setLevel

    def _log(self, level, args):
        if self.LEVELS.index(level) < self.LEVELS.index(self._level):
            return
        message = " ".join(str(a) for a in args)
        if len(args) > 1 and isinstance(args[0], str):
            try:
                message = args[0] % tuple(args[1:])
            except (TypeError, ValueError):
                pass
        for line in message.split("\n") or [""]:
            print("%s %s %s %s" % (_now(), self._request_id, level, line))

    def debug(self, *args):
        self._log("DEBUG", args)

    def info(self, *args):
        self._log("INFO", args)

    def warn(self, *args):
        self._log("WARN", args)

    warning = warn

    def error(self, *args):
        self._log("ERROR", args)


def _env_int(name, default=0):
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


class Context:
    """The context FunctionGraph's Python runtime passes to a handler."""

    def __init__(self, request_id, deadline_ms, alias=""):
        self._request_id = request_id
        self._deadline_ms = deadline_ms
        self._alias = alias
        self._logger = Logger(request_id)
        try:
            self._user_data = json.loads(os.environ.get("RUNTIME_USERDATA", "{}"))
        except ValueError:
            self._user_data = {}

    def getRequestID(self):
        return self._request_id

    def getRemainingTimeInMilliSeconds(self):
        return max(0, int(self._deadline_ms - time.time() * 1000))

    def getAccessKey(self):
        return ""

    def getSecretKey(self):
        return ""

    def getSecurityAccessKey(self):
        return ""

    def getSecuritySecretKey(self):
        return ""

    def getSecurityToken(self):
        return ""

    def getToken(self):
        return ""

    def getUserData(self, key, default=None):
        return self._user_data.get(key, default)

    def getFunctionName(self):
        return os.environ.get("RUNTIME_FUNC_NAME", "")

    def getRunningTimeInSeconds(self):
        return _env_int("RUNTIME_TIMEOUT")

    def getVersion(self):
        return os.environ.get("RUNTIME_FUNC_VERSION", "")

    def getMemorySize(self):
        return _env_int("RUNTIME_MEMORY")

    def getCPUNumber(self):
        return _env_int("RUNTIME_CPU")

    def getPackage(self):
        return os.environ.get("RUNTIME_PACKAGE", "")

    def getProjectID(self):
        return os.environ.get("RUNTIME_PROJECT_ID", "")

    def getAlias(self):
        return self._alias

    def getLogger(self):
        return self._logger


def _error(e):
    tb = [f for f in traceback.extract_tb(e.__traceback__) if f.filename != __file__]
    return {
        "errorMessage": str(e),
        "errorType": type(e).__name__,
        "stackTrace": ["File \"%s\", line %d, in %s" % (f.filename, f.lineno, f.name) for f in tb],
    }


def _load(spec):
    module, _, name = spec.rpartition(".")
    if not module or not name:
        raise ValueError("handler %r is not MODULE.FUNCTION" % spec)
    fn = getattr(importlib.import_module(module.replace("/", ".")), name)
    if not callable(fn):
        raise TypeError("%s is not a function" % spec)
    return fn


def main():
    requests = os.fdopen(3, "rb")
    answers = os.fdopen(4, "wb")

    def answer(doc):
        sys.stdout.flush()
        sys.stderr.flush()
        os.write(1, MARKER)
        answers.write(json.dumps(doc).encode() + b"\n")
        answers.flush()

    # The package root, then python/: where FunctionGraph's Python runtime
    # finds a function's dependencies (unpacked over its code).
    sys.path.insert(0, os.getcwd())
    sys.path.insert(1, os.path.join(os.getcwd(), "python"))
    try:
        handler = _load(HANDLER)
        if INITIALIZER:
            _load(INITIALIZER)(Context("", time.time() * 1000 + INIT_TIMEOUT * 1000))
    except BaseException as e:  # the handler's own errors, SystemExit included
        answer({"type": "ready", "error": _error(e)})
        return
    answer({"type": "ready"})
    for line in requests:
        req = json.loads(line)
        ctx = Context(req.get("request_id", ""), req.get("deadline_ms", 0), req.get("alias", ""))
        try:
            value = handler(req.get("event"), ctx)
            if not isinstance(value, str):
                value = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
            answer({"type": "result", "ok": True, "result": value})
        except BaseException as e:
            answer({"type": "result", "ok": False, "error": _error(e)})


main()
