"""The reader pass in the production shape: nginx, granian workers, Redis sessions and meter.

The demo subscriber logs in through the form; their first access check is decided from
the database and hands out the pass, the next ones from the pass (no new pass is sent).
Logging out ends it: the old session cookie and pass, replayed, open nothing.
"""

from __future__ import annotations

import re
import subprocess

import pytest
import requests

from bench.stack import PYTHON, ROOT
from tests.production.conftest import Stack

pytestmark = pytest.mark.services

PASS_COOKIE = "masthead_pass"
FIND_ARTICLE = """
from django.utils import timezone
from masthead.access import article_is_live
from masthead.newsroom.models import Article
now = timezone.now()
found = [a.pk for a in Article.objects.filter(access_level="subscriber").order_by("pk")
         if article_is_live(a.pk, now)]
print(found[0])
"""


@pytest.fixture(scope="module")
def walled_article(stack: Stack) -> int:
    done = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", FIND_ARTICLE],
        env=stack.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return int(done.stdout.strip().splitlines()[-1])


def _check(client: requests.Session, stack: Stack, article: int) -> requests.Response:
    return client.post(f"{stack.url}/api/access/", json={"article": article}, timeout=10)


def test_the_second_check_is_decided_from_the_pass_and_logout_ends_it(
    stack: Stack, walled_article: int
) -> None:
    subscriber = stack.log_in("subscriber@example.com")
    first = _check(subscriber, stack, walled_article)
    assert first.json()["granted"] is True
    issued = first.headers.get("Set-Cookie", "")
    assert f"{PASS_COOKIE}=" in issued
    assert "Path=/api/access/" in issued and "HttpOnly" in issued and "SameSite=Lax" in issued
    for _ in range(3):
        again = _check(subscriber, stack, walled_article)
        assert again.json()["granted"] is True
        assert PASS_COOKIE not in again.headers.get("Set-Cookie", "")  # the pass was used
    # The pass is only ever sent to the access check.
    assert PASS_COOKIE not in (subscriber.cookies.get_dict(path="/") or {})

    kept = {cookie.name: cookie.value for cookie in subscriber.cookies}
    token = subscriber.get(f"{stack.url}/api/me/", timeout=10).json()["csrf_token"]
    out = subscriber.post(
        f"{stack.url}/accounts/logout/",
        data={"csrfmiddlewaretoken": token},
        headers={"Referer": f"{stack.url}/"},
        timeout=10,
        allow_redirects=False,
    )
    assert out.status_code == 302
    replay = stack.session()
    cookie_header = "; ".join(f"{name}={value}" for name, value in kept.items())
    answer = replay.post(
        f"{stack.url}/api/access/",
        json={"article": walled_article},
        headers={"Cookie": cookie_header},
        timeout=10,
    ).json()
    assert answer["granted"] is False
    assert not re.search(r"masthead-gated|<p>", answer.get("html") or "")
