"""Settings read from the environment (`PF_` prefix) and an optional `.env` file."""

from __future__ import annotations

import ipaddress
import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRETS_FILE = "secrets.env"
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class Settings(BaseSettings):
    """Every knob of the server. See docs/configuration.md."""

    model_config = SettingsConfigDict(env_prefix="PF_", env_file=".env", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path("./data")
    # Empty means "the embedded default": SQLite file in data_dir, in-process cache, local folder storage.
    database_url: str = ""
    redis_url: str = ""
    # Fail fast while PostgreSQL is down (503 database_unavailable) instead of queueing requests.
    database_connect_timeout_seconds: float = Field(default=2.0, gt=0)
    database_pool_timeout_seconds: float = Field(default=5.0, gt=0)
    # "" or file:///path (a local folder, default PF_DATA_DIR/storage) or s3://bucket/prefix.
    storage_url: str = ""
    # S3-compatible servers (MinIO, Ceph, R2); credentials and region come from the AWS_* variables.
    s3_endpoint_url: str = ""
    s3_connect_timeout_seconds: float = Field(default=3.0, gt=0, le=60)
    s3_read_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    # Server-side encryption of every object written to S3 (docs/deployment.md): AES256 (SSE-S3, the
    # default), aws:kms (SSE-KMS, with s3_kms_key_id when set, else the bucket's AWS-managed key) or none.
    s3_sse: Literal["AES256", "aws:kms", "none"] = "AES256"
    # A KMS key id or ARN; setting it alone selects aws:kms.
    s3_kms_key_id: str = ""
    # Lifetime of presigned download links (S3); SigV4 allows at most 7 days.
    storage_url_expiry_seconds: int = Field(default=300, ge=1, le=7 * 24 * 3600)
    event_retention_hours: int = Field(default=72, ge=1, le=90 * 24)
    """How long project events stay in the outbox: the change stream's resume window (Last-Event-ID)."""
    secret_key: str = ""
    encryption_key: str = ""
    # Comma-separated earlier values of PF_ENCRYPTION_KEY: they still decrypt (key rotation).
    encryption_keys_old: str = ""
    allow_signup: bool = True
    log_level: str = "INFO"
    log_json: bool = True

    access_token_minutes: int = 15
    refresh_token_days: int = 30
    max_body_bytes: int = 2 * 1024 * 1024
    login_max_failures_per_account: int = 25
    login_max_failures_per_ip: int = 100
    login_window_seconds: int = 15 * 60
    # Account creation per client IP (docs/security.md, "Registration rate limit").
    register_max_per_ip: int = Field(default=10, ge=1)
    register_window_seconds: int = Field(default=60 * 60, ge=1)
    invitation_days: int = Field(default=7, ge=1, le=365)
    # Peers (IPs or CIDRs, comma-separated) whose X-Forwarded-For / X-Forwarded-Proto are believed:
    # your reverse proxies. Empty: the headers are ignored and the TCP peer is the client.
    forwarded_allow_ips: str = ""

    template_max_bytes: int = 64 * 1024
    template_max_messages: int = 500
    render_max_output_bytes: int = 1024 * 1024
    render_timeout_seconds: float = 1.0
    render_workers: int = 2

    # LLM provider calls (playground runs, evaluations); see docs/providers.md.
    provider_timeout_seconds: float = 60.0
    provider_max_attempts: int = Field(default=3, ge=1, le=10)
    provider_retry_base_seconds: float = 0.5
    provider_retry_max_wait_seconds: float = 20.0
    # Evaluations wait out provider 429s (Retry-After) instead of failing the item, up to this long
    # in total per call (evaluations/model_calls.py).
    eval_rate_limit_max_wait_seconds: float = Field(default=300.0, ge=0)
    # Where provider base URLs may point (core/outbound.py, docs/security.md). Unset means: private,
    # loopback and link-local addresses are allowed outside production (local Ollama) and refused in it.
    allow_private_provider_urls: bool | None = None
    # Comma-separated host names (or IP literals) exempt from the address check, e.g. an internal vLLM.
    provider_allowed_hosts: str = ""

    # Webhooks (docs/webhooks.md). Attempt n waits base x 2^(n-1) (+ up to 10 % jitter) before the next:
    # 42 s x (2^11 - 1) ~ 23.9 h from the first attempt to the 12th and last.
    webhook_retry_base_seconds: float = Field(default=42.0, gt=0, le=24 * 3600)
    webhook_max_attempts: int = Field(default=12, ge=1, le=30)
    # Consecutive failed attempts (any success resets the count) after which a webhook is disabled.
    webhook_disable_after_failures: int = Field(default=50, ge=1, le=100_000)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    # How often the relay looks for due work when no nudge arrives (the nudge wakes it at once).
    webhook_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    # A claimed attempt whose worker died is retried after this long (longer than the timeout).
    webhook_lease_seconds: float = Field(default=60.0, gt=0, le=3600)
    webhook_delivery_retention_days: int = Field(default=30, ge=1, le=3650)
    # Where webhook URLs may point, like the provider settings: unset means private addresses are
    # allowed outside production and refused in it; the hosts listed are exempt from the check.
    allow_private_webhook_urls: bool | None = None
    webhook_allowed_hosts: str = ""

    # Datasets (docs/datasets.md): current items per dataset, and the JSON size of one item.
    dataset_max_items: int = Field(default=1_000_000, ge=1)
    # Dataset files (docs/datasets-formats.md): one CSV record / JSONL line / JSON array element, the
    # columns of a CSV file, and one item as JSON (input, expected and metadata together).
    dataset_file_max_record_bytes: int = Field(default=1024 * 1024, ge=1024)
    dataset_file_max_columns: int = Field(default=256, ge=1, le=10_000)
    dataset_item_max_bytes: int = Field(default=64 * 1024, ge=1024)
    # One uploaded import file (docs/datasets.md): larger is 413. The import route alone may receive
    # a body this large (core/middleware.py); every other route keeps max_body_bytes.
    dataset_max_upload_bytes: int = Field(default=200 * 1000 * 1000, ge=1024)

    # Evaluations (docs/evaluations.md): the most results (dataset items x variants) one may have.
    eval_max_results: int = Field(default=200_000, ge=1)
    # The most shard jobs one evaluation is split into so several workers share it (with Redis only;
    # never more than its concurrency, at least 25 cells each). 1 turns sharding off.
    eval_shards: int = Field(default=4, ge=1, le=64)

    # Background jobs (core/queue.py, docs/architecture.md). `serve` runs a worker in-process unless
    # run_worker is false (then run `promptforge worker`); without Redis it always does.
    run_worker: bool = True
    worker_concurrency: int = Field(default=4, ge=1, le=256)
    # On SIGTERM a worker lets running jobs finish this long, then cancels them (they run again).
    worker_shutdown_grace_seconds: float = Field(default=10.0, ge=0, le=3600)

    # HTTPS served by `promptforge serve` itself (TLS 1.3 only); both or neither. See docs/operations.md.
    tls_cert: Path | None = None
    tls_key: Path | None = None

    # A near cache in each process in front of Redis; see docs/performance.md.
    near_cache_ttl_seconds: float = 30.0
    cors_origins: list[str] = Field(default_factory=list)

    # Live events over WebSocket (`GET /api/v1/ws`, core/ws.py); see docs/api.md "Live events".
    ws_ping_seconds: float = Field(default=20.0, gt=0)
    # How often each connection re-checks its credential (revocation notices act at once; this is
    # the safety net) and re-authorizes its project subscriptions.
    ws_recheck_seconds: float = Field(default=5.0, gt=0)
    ws_reauthorize_seconds: float = Field(default=60.0, gt=0)
    ws_max_message_bytes: int = Field(default=4096, ge=256, le=1024 * 1024)
    ws_max_subscriptions: int = Field(default=20, ge=1, le=1000)
    ws_client_messages_per_second: float = Field(default=10.0, gt=0)
    ws_client_message_burst: int = Field(default=30, ge=1)
    # Per api process, per user or API key.
    ws_max_connections_per_principal: int = Field(default=20, ge=1)
    ws_send_queue_size: int = Field(default=256, ge=1)
    ws_send_timeout_seconds: float = Field(default=10.0, gt=0)
    # The change stream (`GET .../prompt-events`, change_stream/); see docs/change-stream.md.
    # Per api process and project; beyond it 429.
    stream_max_connections_per_project: int = Field(default=100, ge=1)
    # Keep-alive comment interval; each one also re-checks the stream's credential.
    stream_heartbeat_seconds: float = Field(default=15.0, gt=0)
    # Fallback poll of the outbox when no nudge arrives (Redis down or a nudge lost).
    stream_poll_seconds: float = Field(default=2.0, gt=0)
    # A stream ends after this long (clients resume with Last-Event-ID): spreads load over replicas.
    stream_max_seconds: float = Field(default=3600.0, gt=0)
    # Event batches queued for one client; a client that falls this far behind is disconnected.
    stream_queue_size: int = Field(default=256, ge=1)
    # The built web app served at `/`; None means client/dist in this checkout (when it is built).
    spa_dir: Path | None = None

    @field_validator("storage_url")
    @classmethod
    def _known_storage(cls, value: str) -> str:
        if value and not value.startswith(("file://", "s3://")):
            raise ValueError("must be empty, file:///path or s3://bucket/prefix")
        return value

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _valid_networks(cls, value: str) -> str:
        for item in value.split(","):
            if item.strip():
                try:
                    ipaddress.ip_network(item.strip(), strict=False)
                except ValueError:
                    raise ValueError(f"not an IP address or CIDR: {item.strip()!r}") from None
        return value

    @property
    def trusted_proxies(self) -> list[IPNetwork]:
        return [
            ipaddress.ip_network(i.strip(), strict=False)
            for i in self.forwarded_allow_ips.split(",")
            if i.strip()
        ]

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def private_provider_urls_allowed(self) -> bool:
        if self.allow_private_provider_urls is None:
            return not self.is_production
        return self.allow_private_provider_urls

    @property
    def provider_allowed_host_list(self) -> list[str]:
        return [h.strip() for h in self.provider_allowed_hosts.split(",") if h.strip()]

    @property
    def private_webhook_urls_allowed(self) -> bool:
        if self.allow_private_webhook_urls is None:
            return not self.is_production
        return self.allow_private_webhook_urls

    @property
    def webhook_allowed_host_list(self) -> list[str]:
        return [h.strip() for h in self.webhook_allowed_hosts.split(",") if h.strip()]

    @property
    def previous_encryption_keys(self) -> list[str]:
        return [k.strip() for k in self.encryption_keys_old.split(",") if k.strip()]

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'promptforge.db').resolve()}"

    @property
    def s3_encryption(self) -> dict[str, str]:
        """The SSE arguments of every S3 write (PutObject, CreateMultipartUpload); empty for `none`."""
        if self.s3_kms_key_id:
            return {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": self.s3_kms_key_id}
        if self.s3_sse == "none":
            return {}
        return {"ServerSideEncryption": self.s3_sse}

    @property
    def effective_storage_url(self) -> str:
        return self.storage_url or f"file://{(self.data_dir / 'storage').resolve()}"


class ConfigurationError(RuntimeError):
    """Raised when the server must not start with the given settings."""


def check_production(settings: Settings) -> None:
    """Refuse production settings that would be insecure or embedded, naming each missing one."""
    if not settings.is_production:
        return
    missing = []
    if len(settings.secret_key) < 32:
        missing.append("PF_SECRET_KEY (at least 32 characters)")
    if len(settings.encryption_key) < 32:
        missing.append("PF_ENCRYPTION_KEY (at least 32 characters)")
    if not settings.database_url.startswith("postgresql"):
        missing.append("PF_DATABASE_URL (a postgresql+asyncpg:// URL)")
    if not settings.redis_url.startswith(("redis://", "rediss://")):
        missing.append("PF_REDIS_URL (a redis:// URL)")
    if missing:
        raise ConfigurationError("PF_ENV=production needs: " + ", ".join(missing))


def ensure_dev_secrets(settings: Settings) -> Settings:
    """Outside production, generate missing secrets once into PF_DATA_DIR (mode 0600) and reuse them."""
    if settings.is_production or (settings.secret_key and settings.encryption_key):
        return settings
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / DEV_SECRETS_FILE
    stored: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            key, _, value = line.partition("=")
            stored[key.strip()] = value.strip()
    changed = False
    for key in ("PF_SECRET_KEY", "PF_ENCRYPTION_KEY"):
        if not stored.get(key):
            stored[key] = secrets.token_urlsafe(48)
            changed = True
    if changed:
        path.touch(mode=0o600, exist_ok=True)
        path.chmod(0o600)
        path.write_text("".join(f"{k}={v}\n" for k, v in stored.items()))
    return settings.model_copy(
        update={
            "secret_key": settings.secret_key or stored["PF_SECRET_KEY"],
            "encryption_key": settings.encryption_key or stored["PF_ENCRYPTION_KEY"],
        }
    )


def load_settings() -> Settings:
    """Read, validate and complete the settings for this process."""
    settings = Settings()
    check_production(settings)
    return ensure_dev_secrets(settings)
