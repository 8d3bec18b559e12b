"""The Redis connection: passwords (never logged), wrong passwords, settings."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from redis_server import RedisServer

from crawler.cli.errors import UserError
from crawler.frontier import FrontierEntry
from crawler.frontier.redis_streams import RedisStreamsFrontier
from crawler.redisconn import RedisLink, redacted, redis_password, redis_url

SECRET = "s3cret-Passw0rd-xyz"


@pytest.fixture
def protected(tmp_path):
    with RedisServer(tmp_path / "r", password=SECRET) as server:
        yield server


def test_password_in_the_url_works_and_is_never_logged(protected, caplog):
    with caplog.at_level(logging.DEBUG):
        f = RedisStreamsFrontier.connect(protected.url, "run", worker_id="w")
        f.add([FrontierEntry.for_url("http://s.example/")])
        protected.stop()  # an outage is logged with the URL
        restart = threading.Timer(0.5, protected.start)
        restart.start()
        assert f.pending() == 1
        restart.join()
        f.close()
    text = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert "paused" in caplog.text and "redis://:***@127.0.0.1" in caplog.text
    assert SECRET not in text


def test_password_from_the_environment(protected, monkeypatch):
    monkeypatch.setenv("COBWEB_REDIS_PASSWORD", SECRET)
    bare = protected.url.replace(f":{SECRET}@", "")
    link = RedisLink(bare, redis_password({}))
    assert link.call("ping", lambda c: c.ping())
    link.close()


@pytest.mark.parametrize("url", ["redis://:wrong@127.0.0.1:{port}/0", "redis://127.0.0.1:{port}/0"])
def test_wrong_or_missing_password_is_one_line(protected, url, caplog):
    link = RedisLink(url.format(port=protected.port))
    with caplog.at_level(logging.DEBUG), pytest.raises(UserError) as err:
        RedisStreamsFrontier(link, "run", "w")
    message = str(err.value)
    assert "\n" not in message and "COBWEB_REDIS_PASSWORD" in message
    assert "wrong" not in message and SECRET not in message
    assert "paused" not in caplog.text  # refused credentials are not an outage


def test_redis_url_setting():
    assert redis_url({"COBWEB_REDIS_URL": " redis://h:6379/0 "}) == "redis://h:6379/0"
    with pytest.raises(UserError, match="--redis"):
        redis_url({})
    with pytest.raises(UserError, match=r"http://:\*\*\*@h/ is not a Redis URL"):
        redis_url({"COBWEB_REDIS_URL": "http://:pw@h/"})
    assert redacted("redis://u:p@[::1]:6379/0") == "redis://u:***@[::1]:6379/0"


def test_give_up_after_bounds_the_wait(tmp_path):
    server = RedisServer(tmp_path / "r")  # never started: connection refused
    link = RedisLink(server.url, give_up_after=0.3)
    with pytest.raises(Exception, match="refused|Connect|connect"):
        link.call("ping", lambda c: c.ping())
    with pytest.raises(UserError, match=r"unreachable .*; start it or give the right --redis URL"):
        link.check(wait=0.3)
    link.close()


def test_check_before_a_crawl(protected):
    RedisLink(protected.url).check()
    with pytest.raises(UserError, match=r"redis://:\*\*\*@127.0.0.1:\d+/0 refused the credentials"):
        RedisLink(protected.url.replace(SECRET, "nope")).check()



@pytest.mark.parametrize("password", ["wrong", None])
def test_cobweb_crawl_with_refused_credentials_says_one_line(protected, password, tmp_path):
    auth = f":{password}@" if password else ""
    url = f"redis://{auth}127.0.0.1:{protected.port}/0"
    done = subprocess.run([sys.executable, "-m", "crawler", "crawl", "http://s.example/", "-k", "esim",
                           "-o", str(tmp_path / "run"), "--redis", url, "--run", "esim", "--workers", "1"],
                          capture_output=True, text=True, timeout=120, cwd=Path(__file__).parent.parent)
    assert done.returncode == 2, done.stderr[-2000:]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cobweb crawl: Redis at"), done.stderr[-2000:]
    assert "wrong" not in done.stderr and SECRET not in done.stderr
