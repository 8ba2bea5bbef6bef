"""All configuration in one place. Nothing else in the code base reads the environment."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Settings for every component; read from `LSCB_*` environment variables and an optional `.env`."""

    model_config = SettingsConfigDict(env_prefix="LSCB_", env_file=".env", extra="ignore", populate_by_name=True)

    # Where things live
    corpus_dir: Path = Field(PROJECT_ROOT / "corpus" / "documents", description="Folder of the corpus and its corpus.toml")
    data_dir: Path = Field(PROJECT_ROOT / "var", description="Index versions, databases and logs")
    manifest_name: str = "corpus.toml"

    # Ingestion limits
    max_file_mb: float = Field(50.0, gt=0, description="Files larger than this are skipped")
    parse_timeout_s: float = Field(120.0, gt=0, description="A file whose parse takes longer is killed and skipped")
    parse_memory_mb: int = Field(2048, gt=0, description="Address-space cap for a parse worker")

    # Chunking
    chunk_max_tokens: int = Field(256, ge=32, le=512, description="Hard cap, word-piece tokens (model limit 256)")
    chunk_target_words: int = Field(160, ge=40, description="Typical passage length in words")
    chunk_min_words: int = Field(40, ge=1, description="Short paragraphs are merged up to this size")

    # Embedding and index
    embedder: str = Field("minilm", description="'minilm' (the real model) or 'hashing' (deterministic, for tests)")
    embed_batch_size: int = Field(16, ge=1)
    torch_threads: int = Field(2, ge=1, description="Threads for embedding passage batches")
    query_threads: int = Field(1, ge=1, description="Threads for embedding one query (1 avoids OpenMP stalls)")
    sentence_units: bool = Field(True, description="Also embed each passage's sentences (better dense recall, "
                                 "about twice the embedding time at ingest)")
    unit_weight: float = Field(0.5, ge=0, le=1, description="Dense score = w * best sentence + (1 - w) * passage")
    # FAISS index kind by size, measured with `lscb bench scale` (docs/operations.md): exact search up to
    # hnsw_threshold vectors, HNSW above it, IVF-PQ (compressed; for memory) above ivfpq_threshold.
    hnsw_threshold: int = Field(50_000, ge=1, description="Above this many vectors FAISS uses HNSW, not exact")
    ivfpq_threshold: int = Field(3_000_000, ge=1, description="Above this many vectors FAISS uses IVF-PQ, not HNSW")
    hnsw_m: int = Field(32, ge=4)
    hnsw_ef_construction: int = Field(80, ge=8, description="HNSW build quality (higher: slower build)")
    hnsw_ef_search: int = Field(128, ge=8, description="HNSW search breadth: 128 holds recall@10 0.95 to 100k "
                                "passages, 1024 at 1M (docs/operations.md)")
    ivf_nprobe: int = Field(64, ge=1, description="IVF-PQ inverted lists visited per query")
    ivf_refine: int = Field(10, ge=1, description="IVF-PQ candidates re-ranked per result")
    keep_versions: int = Field(3, ge=2, description="Index versions kept on disk for rollback")

    # Retrieval
    # Chosen on the even-numbered gold questions and checked on the odd ones (held out): k=60 -> 10 took the
    # held-out half from R@5 0.874 / MRR 0.759 to 0.913 / 0.768; a smaller k trusts each list's top more.
    rrf_k: int = Field(10, ge=1, description="Reciprocal rank fusion constant")
    retrieve_depth: int = Field(50, ge=1, description="Candidates taken from each retriever before fusion")
    dense_weight: float = Field(1.0, ge=0)
    lexical_weight: float = Field(1.0, ge=0)
    acronym_max_share: float = Field(0.015, ge=0, le=1, description="Expand an acronym for BM25 only when it "
                                     "appears in fewer than this share of passages")
    heading_weight: float = Field(0.5, ge=0, description="Bonus when the section path names every query word")

    # Answers
    answer_passages: int = Field(5, ge=1, description="Top passages whose sentences are scored for the answer")
    answer_max_sentences: int = Field(4, ge=1, le=8, description="Most sentences quoted in one answer")
    answer_margin: float = Field(0.3, ge=0, description="Quote sentences scoring within this of the best one "
                                 "(half of it for sentences outside the best one's section)")
    sentence_lexical_weight: float = Field(0.5, ge=0, description="Weight of query-term coverage in a "
                                           "sentence's score, beside its cosine similarity")
    sentence_rank_weight: float = Field(0.2, ge=0, description="Bonus weight / passage rank added to a "
                                        "sentence's score: evidence from the best passages leads")
    abstain_min_strength: float = Field(0.62, description="Abstain when the best sentence's strength (cosine + "
                                        "weighted term coverage) is below this; calibrated with `lscb eval "
                                        "--calibrate`")
    indicator_min_score: float = Field(0.8, description="A figure question is answered from the indicator store "
                                       "when the best series matches at least this well (cosine + term coverage)")
    indicator_min_coverage: float = Field(0.5, ge=0, le=1, description="A series is a candidate only when its name, "
                                          "breakdowns and areas use at least this rarity-weighted share of the "
                                          "question's words (a wrong figure is worse than none)")
    urgent_semantic: bool = Field(True, description="Also compare messages with urgent and ordinary examples "
                                  "(assistant/data/urgent_examples.yaml) to catch phrasings the rules miss")
    urgent_procedure_query: str = Field(
        "what to do when a child is at risk of significant harm: immediate referral to children's social care "
        "and the police", description="Added to an urgent message's own words to find the procedure passages")
    max_question_chars: int = Field(1000, ge=10, description="Longer questions are refused with a message")

    # Conversations
    conversation_idle_minutes: float = Field(30.0, gt=0, description="A conversation and its turns are "
                                             "deleted after this long without a new question")
    conversation_max_turns: int = Field(6, ge=1)

    # HTTP service
    host: str = Field("127.0.0.1", description="Address `lscb serve` binds")
    port: int = Field(8000, ge=1, le=65535)
    workers: int = Field(1, ge=1, description="Worker processes for `lscb serve`")
    public_url: str | None = Field(None, description="The service's public base URL (absolute links in Slack)")
    cors_origins: list[str] = Field(default_factory=list, description="Sites allowed to call the API from a "
                                    "browser, e.g. [\"https://www.redbridgelscb.org.uk\"]; nothing else gets CORS")
    ask_rate_per_minute: int = Field(30, ge=1, description="Questions per minute per client on /api/ask")
    max_inflight_asks: int = Field(8, ge=1, description="Questions answered at once per worker; more get an "
                                   "immediate 503 + Retry-After instead of an unbounded queue")
    max_body_kb: int = Field(64, ge=1, description="Largest JSON request body accepted")
    max_upload_mb: float = Field(25.0, gt=0, description="Largest document upload on the admin page")
    history_retention_days: float = Field(90.0, gt=0, description="Query and feedback history older than this "
                                          "is deleted")
    admin_token: str | None = Field(None, description="Bearer token for /admin; unset disables the admin page; a "
                                    "placeholder or short token stops the service from starting")

    # Slack
    slack_bot_token: str | None = Field(None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str | None = Field(None, validation_alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field("https://slack.com/api/", description="Slack Web API base URL (a proxy or a mock)")
    slack_command: str = Field("/lscb", pattern=r"^/[a-z0-9_-]{1,31}$",
                               description="The slash command, as in bots/slack/manifest.yaml")

    @model_validator(mode="after")
    def _index_kinds_in_order(self) -> "Settings":
        if self.ivfpq_threshold < self.hnsw_threshold:
            raise ValueError(f"LSCB_IVFPQ_THRESHOLD ({self.ivfpq_threshold}) must be at least LSCB_HNSW_THRESHOLD "
                             f"({self.hnsw_threshold}): IVF-PQ is for indexes too large for HNSW")
        return self

    @property
    def slack_events_path(self) -> Path:
        return self.data_dir / "slack-events.sqlite"

    @property
    def history_path(self) -> Path:
        return self.data_dir / "history.sqlite"

    @property
    def conversations_path(self) -> Path:
        return self.data_dir / "conversations.sqlite"

    @property
    def index_root(self) -> Path:
        return self.data_dir / "index"

    @property
    def manifest_path(self) -> Path:
        return self.corpus_dir / self.manifest_name


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests build their own `Settings(...)` instead)."""
    return Settings()
