"""One web server, two Gradio apps: the patient app at `/` (open) and the staff app at
`/staff/` (behind a login when QA_STAFF_USER / QA_STAFF_PASSWORD are set).

Gradio's `auth=` guards a whole app, so the staff view is a separate app rather than a tab:
patients never meet a login, and the patient app's API has no staff endpoints at all.
"""

from __future__ import annotations

import hmac
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import gradio as gr
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from qa.config import Settings
from qa.errors import ConfigError
from qa.serving.audit import AuditLog
from qa.serving.live import LivePipeline
from qa.serving.logbook import Logbook
from qa.serving.ratelimit import FailureThrottle, RateLimiter
from qa.serving.staff_accounts import StaffAccounts
from ui.a11y import PATIENT_JS
from ui.chat import ChatHandlers, build_patient_app
from ui.documents_tab import DocumentsHandlers
from ui.evaluate_tab import EvaluateHandlers
from ui.guard import Guard, Mount
from ui.page_title import PageTitles
from ui.policy import (
    HEALTH_PATH,
    RoutePolicy,
    host_policy,
    is_loopback,
    public_api_names,
    root_path,
    trusted_proxies,
)
from ui.review_tab import STAFF_JS, StaffHandlers
from ui.staff import build_staff_app
from ui.style import CSS, theme

STAFF_PATH = "/staff"
# Staff review is one person at a time; a small queue is plenty.
_STAFF_QUEUE = 16
# Failed staff logins are counted per client over this window (QA_LOGIN_ATTEMPTS per window).
_LOGIN_WINDOW_SECONDS = 900.0
_IDLE_POLL_SECONDS = 0.02
_IDLE_PROGRESS_SECONDS = 0.1


@dataclass(frozen=True)
class StaffLogin:
    """Checks a staff login against the users file's accounts and the environment's one."""

    accounts: StaffAccounts | None = None
    env_account: tuple[str, str] | None = None

    def __call__(self, name: str, password: str) -> bool:
        if self.env_account is not None:
            user, secret = self.env_account
            same_user = hmac.compare_digest(name.encode(), user.encode())
            if hmac.compare_digest(password.encode(), secret.encode()) and same_user:
                return True
        return self.accounts is not None and self.accounts.check(name, password)


@dataclass(frozen=True)
class StaffAccess:
    enabled: bool
    auth: StaffLogin | None = None
    note: str = ""


def staff_access(
    env: Mapping[str, str], host: str, accounts: StaffAccounts | None = None
) -> StaffAccess:
    """Whether the staff app is served, and with which logins: the users file's accounts
    (`qa staff add`) and QA_STAFF_USER / QA_STAFF_PASSWORD from the environment."""
    user, password = env.get("QA_STAFF_USER", ""), env.get("QA_STAFF_PASSWORD", "")
    if bool(user) != bool(password):
        raise ConfigError("set both QA_STAFF_USER and QA_STAFF_PASSWORD, or neither")
    named = accounts.names if accounts is not None else []
    if user or named:
        count = len(named) + (1 if user and user not in named else 0)
        login = StaffLogin(accounts if named else None, (user, password) if user else None)
        return StaffAccess(True, login, f"login required; {count} staff account(s)")
    if is_loopback(host):
        return StaffAccess(True, None, "no login set; reachable from this machine only")
    # Without a login, question logs must not be reachable from the network.
    return StaffAccess(
        False,
        None,
        "off: add a staff account (`qa staff add NAME`) or set QA_STAFF_USER and "
        "QA_STAFF_PASSWORD to review answers on a non-local host",
    )


def create_app(
    live: LivePipeline,
    logbook: Logbook,
    staff: StaffAccess,
    examples: Sequence[str] | None = None,
    bind_host: str = "127.0.0.1",
) -> FastAPI:
    settings = live.pipeline.settings
    patient = build_patient_app(
        ChatHandlers(live, logbook, examples), settings.abstention.max_question_chars
    )
    # A bounded queue: when it is full, Gradio tells the user it is busy instead of hanging.
    # api_open=False: a queued event cannot be run by a direct POST that skips the queue (and
    # its concurrency limit and the rate limit in front of it).
    patient.queue(
        default_concurrency_limit=settings.serving.serve_concurrency,
        max_size=settings.serving.serve_queue_size,
        api_open=False,
    )
    calm_queue(patient)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.add_api_route(HEALTH_PATH, _health(live), methods=["GET", "HEAD"])
    blocked = _blocked_paths(settings)
    mounts = [
        Mount(
            "",
            RoutePolicy(_public_api(patient), serves_files=False),
            questions=RateLimiter(
                settings.serving.chat_rate_per_minute, settings.serving.chat_rate_burst
            ),
        )
    ]
    if staff.enabled:
        reviewer = build_staff_app(
            StaffHandlers(
                live.pipeline.index,
                logbook,
                live.pipeline.triager.catalogue,
                settings.serving.theme_max_distance,
                settings.serving.stale_after_years,
            ),
            EvaluateHandlers(live),
            DocumentsHandlers(live, AuditLog.open(settings.serving.db_path)),
        )
        reviewer.queue(default_concurrency_limit=1, max_size=_STAFF_QUEUE, api_open=False)
        calm_queue(reviewer)
        _mount(
            app,
            reviewer,
            STAFF_PATH,
            blocked,
            staff.auth,
            STAFF_JS,
            max_file_size=settings.serving.max_upload_bytes,
        )
        mounts.append(
            Mount(
                STAFF_PATH,
                RoutePolicy(
                    _public_api(reviewer),
                    serves_files=True,
                    upload_bytes=settings.serving.max_upload_bytes,
                ),
                loopback_only=staff.auth is None,
                logins=FailureThrottle(settings.serving.login_attempts, _LOGIN_WINDOW_SECONDS)
                if staff.auth
                else None,
            )
        )
    # Mounted last: "/" would otherwise catch /staff requests.
    _mount(app, patient, "/", blocked, None, PATIENT_JS)
    title = live.pipeline.index.profile.title
    app.add_middleware(PageTitles, titles=[("/", title), (STAFF_PATH, f"Staff review — {title}")])
    app.add_middleware(
        Guard,
        mounts=mounts,
        hosts=host_policy(settings, bind_host),
        proxies=trusted_proxies(settings),
        max_body_bytes=settings.serving.max_request_bytes,
    )
    return app


def _health(live: LivePipeline) -> Callable[[], JSONResponse]:
    """GET /healthz for a load balancer: the app is up and answering from `build`. A newer
    build that failed to load is reported (`newest_build_loaded`) but keeps the status 200:
    the last good build is still served. Nothing about the staff app or any question."""

    def health() -> JSONResponse:
        return JSONResponse(
            {"status": "ok", "build": live.build, "newest_build_loaded": live.build == live.seen},
            headers={"cache-control": "no-store"},
        )

    return health


def calm_queue(blocks: gr.Blocks) -> None:
    """Poll an idle Gradio queue every 20 ms instead of every millisecond (and its progress
    every 100 ms instead of 10): two idle apps kept 8-10 % of a core busy. A question waits at
    most 20 ms longer to start, against the ~10 ms it takes to answer and the network's own."""
    queue = blocks._queue
    queue.sleep_when_free = _IDLE_POLL_SECONDS
    queue.progress_update_sleep_when_free = _IDLE_PROGRESS_SECONDS


def _public_api(blocks: gr.Blocks) -> frozenset[str]:
    return public_api_names(blocks.get_config_file()["dependencies"])


def _mount(
    app: FastAPI,
    blocks: gr.Blocks,
    path: str,
    blocked: list[str],
    auth: StaffLogin | None,
    js: str | None = None,
    max_file_size: int | None = None,
) -> None:
    gr.mount_gradio_app(
        app,
        blocks,
        path,
        auth=auth,
        auth_message="Staff review: please log in." if auth else None,
        footer_links=[],  # no API page, no "built with" link, no settings page
        run_history=False,  # nothing saved in the browser
        enable_monitoring=False,
        mcp_server=False,
        ssr_mode=False,
        allowed_paths=[],
        blocked_paths=blocked,
        show_error=False,  # errors stay in the server log
        css=CSS,
        theme=theme(),
        js=js,
        max_file_size=max_file_size,
    )


def _blocked_paths(settings: Settings) -> list[str]:
    """The index, the logbook's folder and the sources are never served as files."""
    return [
        str(p.resolve())
        for p in (
            settings.ingest.index_dir,
            settings.serving.db_path.parent,
            settings.ingest.sources_dir,
        )
    ]


def serve(
    live: LivePipeline,
    logbook: Logbook,
    host: str = "127.0.0.1",
    port: int = 7860,
    env: Mapping[str, str] | None = None,
    examples: Sequence[str] | None = None,
) -> None:
    """Run the server until interrupted (never shared through a Gradio tunnel)."""
    import uvicorn

    # Read by Gradio when it would send usage data or check for updates: never, here.
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    settings = live.pipeline.settings
    accounts = StaffAccounts.load(settings.serving.staff_users_file)
    staff = staff_access(os.environ if env is None else env, host, accounts)
    root = root_path(settings)
    app = create_app(live, logbook, staff, examples, bind_host=host)
    base = f"http://{host}:{port}"
    if root:
        print(
            f"public path: {root}/ (the proxy strips it before passing requests on)",
            file=sys.stderr,
        )
    print(f"chat: {base}/", file=sys.stderr)
    print(
        f"staff review: {base}{STAFF_PATH}/ ({staff.note})"
        if staff.enabled
        else f"staff review {staff.note}",
        file=sys.stderr,
    )
    print(
        f"question log: {logbook.path} (question text "
        f"{'kept, redacted' if logbook.log_questions else 'kept only when the patient shares it'})",
        file=sys.stderr,
    )
    # The client address is the socket's peer; the guard alone reads forwarded headers, and
    # only from QA_TRUSTED_PROXIES. uvicorn puts QA_ROOT_PATH back in front of each path (ASGI's
    # root_path), so Gradio's URLs carry the proxy's prefix.
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        proxy_headers=False,
        server_header=False,
        root_path=root,
    )
