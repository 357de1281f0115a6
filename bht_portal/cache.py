"""Django's Redis cache, failing open: when Redis cannot be reached a read is a miss and a
write is skipped, so the API throttles (which count requests in the cache) and cached
look-ups let requests through instead of answering 500. Logged once per outage (and once
when Redis is back), not once per request."""

from __future__ import annotations

import logging
import threading

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("bht_portal.availability")

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def redis_caches(url: str) -> dict:
    """CACHES for Redis at `url` (settings.py): failing open, with short socket timeouts, so a
    frozen Redis costs a request at most a fraction of a second."""
    return {
        "default": {
            "BACKEND": "bht_portal.cache.FailOpenRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "retry_on_timeout": False},
        }
    }


class _State:
    down = False
    lock = threading.Lock()


def _failed(exc: BaseException) -> None:
    with _State.lock:
        if _State.down:
            return
        _State.down = True
    logger.error(
        "Redis cache unavailable (%s: %s); throttles and caches fail open until it is back", type(exc).__name__, exc
    )


def _ok() -> None:
    if _State.down:
        with _State.lock:
            if not _State.down:
                return
            _State.down = False
        logger.warning("Redis cache is back")


def _fail_open(name: str, fallback):
    parent = getattr(RedisCache, name)

    def method(self, *args, **kwargs):
        try:
            result = parent(self, *args, **kwargs)
        except UNREACHABLE as exc:
            _failed(exc)
            return fallback(*args, **kwargs) if callable(fallback) else fallback
        _ok()
        return result

    method.__name__ = name
    method.__doc__ = parent.__doc__
    return method


def _default(key, default=None, *args, **kwargs):
    return default


class FailOpenRedisCache(RedisCache):
    get = _fail_open("get", _default)
    get_many = _fail_open("get_many", {})
    has_key = _fail_open("has_key", False)
    set = _fail_open("set", None)
    add = _fail_open("add", False)
    touch = _fail_open("touch", False)
    set_many = _fail_open("set_many", lambda data, *a, **k: list(data))
    delete = _fail_open("delete", False)
    delete_many = _fail_open("delete_many", None)
    clear = _fail_open("clear", False)
    incr = _fail_open("incr", lambda key, delta=1, *a, **k: delta)
