"""The small parts: the event ledger, Slack text and conversation ids, the 429 wait, the signature check."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from slack_harness import SECRET, sign
from slack_bolt import BoltRequest
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from assistant.conversation import ConversationStore
from bots.slack import EventLedger, build_slack_app, conversation_id, plain_question
from bots.slack.poster import retry_after


def test_ledger_says_first_arrival_once_per_event_id():
    with EventLedger() as ledger:
        assert ledger.first_arrival("Ev1") is True
        assert ledger.first_arrival("Ev1") is False
        assert ledger.first_arrival("Ev2") is True
        assert len(ledger) == 2


def test_ledger_on_a_file_is_shared_by_separate_connections(tmp_path):
    path = tmp_path / "slack-events.sqlite"
    with EventLedger(path) as worker_a, EventLedger(path) as worker_b:
        assert worker_a.first_arrival("Ev1") is True
        assert worker_b.first_arrival("Ev1") is False
        assert worker_b.first_arrival("Ev2") is True
        assert worker_a.first_arrival("Ev2") is False
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_ledger_under_concurrent_arrivals_admits_exactly_one(tmp_path):
    path = tmp_path / "slack-events.sqlite"
    ledgers = [EventLedger(path) for _ in range(4)]
    start = threading.Barrier(16)

    def arrive(i: int) -> bool:
        start.wait()
        return ledgers[i % 4].first_arrival("Ev-same")

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(arrive, range(16)))
    assert results.count(True) == 1
    for ledger in ledgers:
        ledger.close()


def test_ledger_forgets_ids_after_its_time_to_live():
    now = [1000.0]
    with EventLedger(ttl_seconds=3600, clock=lambda: now[0]) as ledger:
        assert ledger.first_arrival("Ev1")
        now[0] += 3599
        assert not ledger.first_arrival("Ev1")
        now[0] += 3601  # an hour after the last arrival
        assert ledger.purge() == 1 and len(ledger) == 0


@pytest.mark.parametrize("bad", ["", None, "x" * 300])
def test_ledger_refuses_a_bad_event_id(bad):
    with EventLedger() as ledger, pytest.raises(ValueError, match="event_id"):
        ledger.first_arrival(bad)


@pytest.mark.parametrize("slack, plain", [
    ("<@UBOT> what is private fostering?", "what is private fostering?"),
    ("<@UBOT|lscb>   how do I refer to <#C123|mash-team>?", "how do I refer to #mash-team?"),
    ("can <@U999> escalate &amp; how?", "can someone escalate & how?"),
    ("see <https://example.org/x|the protocol> &lt;level 3&gt;", "see the protocol <level 3>"),
    ("<!here> thresholds <mailto:a@b.org|a@b.org>", "thresholds a@b.org"),
    ("<@UBOT>", ""),
])
def test_plain_question_drops_slack_markup(slack, plain):
    assert plain_question(slack, "UBOT") == plain


@pytest.mark.parametrize("args, expected", [
    (("T0001", "C0001", "1700000000.000100"), "slack-T0001-C0001-1700000000-000100"),
    (("T0001", "D0001"), "slack-T0001-D0001"),
    (("T0001", "C0001", None, "U0001"), "slack-T0001-C0001-U0001"),
    ((None, "C0001", "1.2"), "slack-T-C0001-1-2"),
])
def test_conversation_ids_are_accepted_by_the_conversation_store(args, expected):
    cid = conversation_id(*args)
    assert cid == expected
    with ConversationStore(None, idle_seconds=60) as store:
        assert store.recent(cid) == []


@pytest.mark.parametrize("headers, seconds", [
    ({"Retry-After": "1"}, 1.0), ({"retry-after": ["7"]}, 7.0), ({}, 1.0), ({"Retry-After": "soon"}, 1.0),
])
def test_retry_after_is_read_in_any_case(headers, seconds):
    assert retry_after(headers) == seconds


def test_signature_helper_matches_slack_sdk():
    headers = sign('{"a":1}', timestamp=1_700_000_000)
    expected = SignatureVerifier(SECRET).generate_signature(timestamp="1700000000", body='{"a":1}')
    assert headers["x-slack-signature"] == expected


def test_building_checks_its_configuration():
    from bots.slack import EventLedger as Ledger

    answers, feedback = object(), object()
    with pytest.raises(ValueError, match="no token"):
        build_slack_app(answers, WebClient(), SECRET, feedback, Ledger())
    with pytest.raises(ValueError, match="SLACK_SIGNING_SECRET looks like a placeholder"):
        build_slack_app(answers, WebClient(token="xoxb-1"), "secret", feedback, Ledger())
    with pytest.raises(ValueError, match="https://"):
        build_slack_app(answers, WebClient(token="xoxb-1"), SECRET, feedback, Ledger(), public_base_url="lscb.org")
    with pytest.raises(ValueError, match="/lscb"):
        build_slack_app(answers, WebClient(token="xoxb-1"), SECRET, feedback, Ledger(), command="lscb")


def test_without_a_signing_secret_every_http_request_is_refused():
    """Socket Mode needs no signing secret; an app built without one fails closed over HTTP."""
    app = build_slack_app(object(), WebClient(token="xoxb-1", base_url="http://127.0.0.1:9/"), None, object(),
                          EventLedger())
    body = '{"type": "event_callback", "event_id": "Ev1", "event": {"type": "app_mention"}}'
    response = app.dispatch(BoltRequest(body=body, headers=sign(body, secret="any-secret-of-any-length")))
    assert response.status == 401


def test_home_tab_reads_the_document_list_when_opened_and_survives_no_index():
    from bots.slack.bot import SlackBot
    from bots.slack.poster import MessagePoster

    titles = ["Westshire LSCB Annual Report 2016-17"]
    bot = SlackBot(object(), object(), MessagePoster(WebClient(token="xoxb-1")), home_documents=lambda: titles,
                   urgent_lines=["If a child is in immediate danger, call 999 now."])
    assert "Westshire LSCB Annual Report 2016-17" in json.dumps(bot.home_view())
    titles.append("Thresholds Guidance 2018")
    assert "Thresholds Guidance 2018" in json.dumps(bot.home_view())

    def no_index() -> list[str]:
        raise RuntimeError("no index is being served yet")

    bot.home_documents = no_index
    assert "call 999 now" in json.dumps(bot.home_view())


def test_manifest_matches_what_the_app_listens_to():
    import yaml

    from bots.slack.mount import SLACK_PATHS

    manifest = yaml.safe_load((Path(__file__).parents[2] / "bots" / "slack" / "manifest.yaml").read_text())
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_mention", "message.im", "app_home_opened"}
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {"app_mentions:read", "chat:write", "commands",
                                                              "im:history"}
    assert settings["interactivity"]["is_enabled"] is True
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == "/lscb"
    urls = [settings["event_subscriptions"]["request_url"], settings["interactivity"]["request_url"], command["url"]]
    assert [u.removeprefix("https://lscb.example.org/slack") for u in urls] == list(SLACK_PATHS)
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
