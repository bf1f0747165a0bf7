"""The reader pass as a value: what loads, and everything that must not (no I/O here)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core import signing
from django.http import HttpResponse
from django.test import SimpleTestCase, override_settings

from masthead.access.meter_redis import generation_key_for, reads_key
from masthead.access.policy import SUBSCRIBER, Entitlements
from masthead.access.reader_pass import (
    PASS_COOKIE,
    PASS_PATH,
    ReaderPass,
    encode_pass,
    generation_key,
    issue_pass,
    read_pass,
)
from masthead.access.terms import EntitlementTerm, EntitlementTerms

NOW = dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.UTC)
SESSION = "s3ss10nk3y"
ALL = Entitlements.of([SUBSCRIBER], ad_free=True)
METRO = Entitlements.of([SUBSCRIBER], ["metro"])


def a_pass(**changes: object) -> ReaderPass:
    fields: dict[str, object] = {
        "user_id": 7,
        "generation": "abc123",
        "expires_at": NOW + dt.timedelta(minutes=5),
        "terms": EntitlementTerms((EntitlementTerm(ALL, NOW + dt.timedelta(hours=1)),)),
        "has_confirmed_email": True,
    }
    fields.update(changes)
    return ReaderPass(**fields)  # type: ignore[arg-type]


def cookies(value: str) -> dict[str, str]:
    return {PASS_COOKIE: value}


class ReadPassTests(SimpleTestCase):
    def test_a_pass_round_trips_with_its_terms(self) -> None:
        issued = a_pass(
            terms=EntitlementTerms(
                (EntitlementTerm(ALL, NOW + dt.timedelta(hours=1)), EntitlementTerm(METRO, None)),
                NOW + dt.timedelta(days=2),
            )
        )
        found = read_pass(cookies(encode_pass(issued, SESSION)), SESSION, NOW)
        assert found == issued
        assert found.reader_facts(NOW).entitlements == ALL.merged(METRO)

    def test_a_piece_drops_out_at_its_own_end_to_the_second(self) -> None:
        ends = NOW + dt.timedelta(minutes=2)
        issued = a_pass(
            terms=EntitlementTerms((EntitlementTerm(ALL, ends), EntitlementTerm(METRO, None)))
        )
        value = encode_pass(issued, SESSION)
        before = read_pass(cookies(value), SESSION, ends - dt.timedelta(seconds=1))
        at_end = read_pass(cookies(value), SESSION, ends)
        assert before is not None and at_end is not None
        assert before.reader_facts(ends - dt.timedelta(seconds=1)).entitlements.opens(
            SUBSCRIBER, "sports"
        )
        facts = at_end.reader_facts(ends)
        assert not facts.entitlements.opens(SUBSCRIBER, "sports")
        assert facts.entitlements.opens(SUBSCRIBER, "metro")
        assert not facts.entitlements.ad_free

    def test_an_end_between_milliseconds_closes_early_never_late(self) -> None:
        ends = NOW + dt.timedelta(minutes=2, microseconds=999)
        value = encode_pass(a_pass(terms=EntitlementTerms((EntitlementTerm(ALL, ends),))), SESSION)
        found = read_pass(cookies(value), SESSION, ends - dt.timedelta(microseconds=500))
        assert found is not None
        assert found.reader_facts(ends - dt.timedelta(microseconds=500)).entitlements.is_empty

    def test_it_stops_at_changes_at(self) -> None:
        changes = NOW + dt.timedelta(minutes=1)
        value = encode_pass(a_pass(terms=EntitlementTerms((), changes)), SESSION)
        assert read_pass(cookies(value), SESSION, changes - dt.timedelta(seconds=1)) is not None
        assert read_pass(cookies(value), SESSION, changes) is None

    def test_an_expired_pass_does_not_load(self) -> None:
        value = encode_pass(a_pass(), SESSION)
        assert read_pass(cookies(value), SESSION, NOW + dt.timedelta(minutes=5)) is None

    def test_another_session_cookie_makes_it_worthless(self) -> None:
        value = encode_pass(a_pass(), SESSION)
        assert read_pass(cookies(value), "another-session", NOW) is None
        assert read_pass(cookies(value), None, NOW) is None
        assert read_pass(cookies(value), "", NOW) is None

    def test_a_tampered_pass_does_not_load(self) -> None:
        value = encode_pass(a_pass(), SESSION)
        payload, _, signature = value.rpartition(":")
        flipped = payload[:-1] + ("A" if payload[-1] != "A" else "B")
        assert read_pass(cookies(f"{flipped}:{signature}"), SESSION, NOW) is None
        assert read_pass(cookies(value[:-2]), SESSION, NOW) is None
        assert read_pass(cookies("garbage"), SESSION, NOW) is None

    def test_a_pass_signed_with_another_salt_or_key_does_not_load(self) -> None:
        forged = {
            "v": 1,
            "u": 7,
            "g": "abc123",
            "x": int((NOW + dt.timedelta(hours=1)).timestamp() * 1000),
            "n": None,
            "c": 1,
            "s": "0" * 32,
            "t": [[1, None, [["subscriber", "*"]]]],
        }
        # The visitor cookie's signer, a bare signer, and the right salt with a wrong key.
        assert read_pass(cookies(signing.dumps(forged)), SESSION, NOW) is None
        with override_settings(SECRET_KEY="not-the-site-key-" * 4):
            other_key = signing.dumps(forged, salt="masthead.access.reader_pass")
        assert read_pass(cookies(other_key), SESSION, NOW) is None

    def test_a_well_signed_but_malformed_pass_does_not_load(self) -> None:
        good = encode_pass(a_pass(), SESSION)
        payload = signing.loads(good, salt="masthead.access.reader_pass")
        for key, bad in (
            ("u", "7"),
            ("u", True),
            ("u", 0),
            ("g", ""),
            ("x", "later"),
            ("t", [[1, None, [["subscriber"]]]]),
            ("t", "all"),
            ("c", 2),
            ("v", 2),
        ):
            with self.subTest(key=key, bad=bad):
                changed = {**payload, key: bad}
                value = signing.dumps(changed, salt="masthead.access.reader_pass")
                assert read_pass(cookies(value), SESSION, NOW) is None

    def test_no_cookie_no_pass(self) -> None:
        assert read_pass({}, SESSION, NOW) is None


class IssuePassTests(SimpleTestCase):
    @override_settings(SESSION_COOKIE_SECURE=True, PAYWALL_READER_PASS_MINUTES=5)
    def test_the_cookie_is_httponly_lax_secure_and_only_for_the_check(self) -> None:
        response = HttpResponse()
        assert issue_pass(response, a_pass(), SESSION) is True
        morsel = response.cookies[PASS_COOKIE]
        assert morsel["httponly"] is True
        assert morsel["secure"] is True
        assert morsel["samesite"] == "Lax"
        assert morsel["path"] == PASS_PATH
        assert morsel["max-age"] == 300

    def test_a_pass_too_large_for_a_cookie_is_not_issued(self) -> None:
        # Random names, so compression cannot shrink them below the cap.
        many = Entitlements.of([SUBSCRIBER], [secrets.token_hex(12) for _ in range(400)])
        response = HttpResponse()
        too_big = a_pass(terms=EntitlementTerms((EntitlementTerm(many),)))
        assert issue_pass(response, too_big, SESSION) is False
        assert PASS_COOKIE not in response.cookies


class KeyTests(SimpleTestCase):
    @override_settings(PAYWALL_REDIS_PREFIX="p:")
    def test_the_keys_share_the_reader_hash_tag(self) -> None:
        assert generation_key(42) == "p:gen:{u:42}"
        assert generation_key_for("p:", "u:42") == "p:gen:{u:42}"
        assert reads_key("p:", "u:42") == "p:reads:{u:42}"
