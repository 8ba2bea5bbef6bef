"""The HTTP service through a real uvicorn server on loopback, over a small corpus (hashing embedder)."""

from __future__ import annotations

import logging

import httpx
import pytest

from api_server import serve
from assistant.api.app import check_secrets, create_app
from assistant.api.services import Services
from conftest import make_settings
from corpus.ingest import ingest
from index.embedder import HashingEmbedder
from samples import MANIFEST, NEW_EDITION, OLD_EDITION, REPORT

ORIGIN = "https://www.westshirelscb.org.uk"


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    settings = make_settings(tmp_path_factory.mktemp("api"), ask_rate_per_minute=1000, cors_origins=[ORIGIN],
                             abstain_min_strength=0.3, max_body_kb=8)
    corpus = settings.corpus_dir
    for name, text in {"corpus.toml": MANIFEST, "thresholds-2015.md": OLD_EDITION,
                       "thresholds-2018.md": NEW_EDITION, "annual-report.md": REPORT}.items():
        (corpus / name).write_text(text, encoding="utf-8")
    assert ingest(settings, HashingEmbedder()).usable
    return settings


@pytest.fixture(scope="module")
def server(settings):
    services = Services(settings, HashingEmbedder())
    with serve(create_app(settings, services)) as url:
        yield url, services


@pytest.fixture
def client(server):
    with httpx.Client(base_url=server[0], timeout=30) as c:
        yield c


def test_health_and_ready_name_the_index_version(client):
    assert client.get("/health").json() == {"status": "ok"}
    ready = client.get("/ready").json()
    assert ready["ready"] is True and ready["index_version"] and ready["documents"] == 3


def test_ask_returns_the_contract_and_records_redacted_history(client, server):
    response = client.post("/api/ask", json={"question": "my client Jayden Smith: what is private fostering?"})
    assert response.status_code == 200
    answer = response.json()
    assert not answer["abstained"] and "28 days" in answer["answer"]
    assert answer["citations"][0]["url"].startswith("/documents/annual-report")
    rows = [r for r in server[1].history.queries() if r["answer_id"] == answer["answer_id"]]
    assert rows and "Jayden" not in rows[0]["question"] and "Smith" not in rows[0]["question"]
    assert "private fostering" in rows[0]["question"]


def test_follow_up_keeps_the_conversation(client):
    first = client.post("/api/ask", json={"question": "how many referrals to children's social care in 2016/17"}).json()
    follow = client.post("/api/ask", json={"question": "and the year before?",
                                           "conversation_id": first["conversation_id"]}).json()
    assert follow["conversation_id"] == first["conversation_id"]
    assert "5086" in follow["answer"]


def test_feedback_lands_in_history(client, server):
    answer = client.post("/api/ask", json={"question": "what is private fostering?"}).json()
    ok = client.post("/api/feedback", json={"answer_id": answer["answer_id"], "helpful": False,
                                           "comment": "child called Amira Khan was missed"})
    assert ok.status_code == 200 and ok.json() == {"recorded": True}
    rows = [r for r in server[1].history.feedback() if r["answer_id"] == answer["answer_id"]]
    assert rows and rows[0]["helpful"] == 0 and "Amira" not in rows[0]["comment"]
    unknown = client.post("/api/feedback", json={"answer_id": "0" * 32, "helpful": True})
    assert unknown.status_code == 404


@pytest.mark.parametrize("body, headers", [
    (b"", {"content-type": "application/json"}),
    (b"not json", {"content-type": "application/json"}),
    (b'{"question": 42}', {"content-type": "application/json"}),
    (b'{"question": ""}', {"content-type": "application/json"}),
    (b'{"question": "x", "extra": 1}', {"content-type": "application/json"}),
    (b'{"question": "ok", "conversation_id": "bad id!"}', {"content-type": "application/json"}),
    (b'{"question": "\xff\xfe bad utf-8"}', {"content-type": "application/json"}),
    (b'["question"]', {"content-type": "application/json"}),
    (b"question=hi", {"content-type": "application/x-www-form-urlencoded"}),
])
def test_malformed_requests_get_a_clear_4xx(client, body, headers):
    response = client.post("/api/ask", content=body, headers=headers)
    assert 400 <= response.status_code < 500, response.text
    assert "detail" in response.json()


def test_oversized_body_is_refused_before_it_is_read(client):
    response = client.post("/api/ask", content=b'{"question": "' + b"a" * 20_000 + b'"}',
                           headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_cors_only_for_the_allowed_origin(client):
    allowed = client.options("/api/ask", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"})
    assert allowed.headers.get("access-control-allow-origin") == ORIGIN
    other = client.options("/api/ask", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in other.headers
    simple = client.get("/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in simple.headers


def test_documents_list_and_original_file(client):
    documents = client.get("/api/documents").json()
    assert {d["id"] for d in documents} == {"annual-report", "thresholds-2015", "thresholds-2018"}
    one = client.get("/api/documents/annual-report").json()
    assert one["passages"] > 0 and one["url"] == "/documents/annual-report"
    original = client.get("/documents/annual-report")
    assert original.status_code == 200 and "Private fostering" in original.text
    assert client.get("/api/documents/nope").status_code == 404
    assert client.get("/documents/..%2F..%2Fetc%2Fpasswd").status_code == 404


def test_search_returns_passages_with_provenance(client):
    hits = client.get("/api/search", params={"q": "private fostering", "k": 2}).json()
    assert hits and hits[0]["document_id"] == "annual-report" and hits[0]["section"].endswith("Private fostering")
    assert client.get("/api/search", params={"q": ""}).status_code == 422


def test_access_log_redacts_query_strings(client, caplog):
    with caplog.at_level(logging.INFO, logger="lscb.access"):
        client.get("/api/search", params={"q": "my client Jayden Smith email jay@example.com"})
    lines = [r.getMessage() for r in caplog.records if r.name == "lscb.access"]
    assert lines and all("Jayden" not in line and "jay@example.com" not in line for line in lines)


def test_rate_limit_answers_429_with_retry_after(settings):
    limited = settings.model_copy(update={"ask_rate_per_minute": 2})
    services = Services(limited, HashingEmbedder())
    with serve(create_app(limited, services)) as url, httpx.Client(base_url=url, timeout=30) as c:
        codes = [c.post("/api/ask", json={"question": "what is private fostering?"}) for _ in range(3)]
    assert [r.status_code for r in codes] == [200, 200, 429]
    assert int(codes[2].headers["retry-after"]) >= 1


@pytest.mark.parametrize("token", ["changeme", "secret", "short-token"])
def test_placeholder_admin_token_stops_the_service(settings, token):
    with pytest.raises(ValueError, match="LSCB_ADMIN_TOKEN"):
        check_secrets(settings.model_copy(update={"admin_token": token}))
    check_secrets(settings.model_copy(update={"admin_token": "x" * 32}))


def test_slack_endpoints_are_mounted_when_slack_is_configured(settings):
    slack = settings.model_copy(update={"slack_bot_token": "xoxb-test", "slack_signing_secret": "s" * 32,
                                        "slack_api_url": "http://127.0.0.1:9/api/"})
    with serve(create_app(slack, Services(slack, HashingEmbedder()))) as url, httpx.Client(base_url=url) as c:
        unsigned = c.post("/slack/events", json={"type": "url_verification", "challenge": "x"})
        assert unsigned.status_code == 401
    with serve(create_app(settings, Services(settings, HashingEmbedder()))) as url, httpx.Client(base_url=url) as c:
        assert c.post("/slack/events", json={}).status_code == 404
