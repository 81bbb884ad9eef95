"""The production deployment, for real: nginx (configured from deploy/nginx.conf) in front of two gunicorns
(2 workers each) on PostgreSQL and Redis, in production mode, started with the README's own commands.

Everything goes over loopback. nginx ends TLS with a throwaway certificate, so Secure cookies and the
X-Forwarded-Proto header behave as on a real service. Each "person" connects from their own loopback address
(Linux routes all of 127.0.0.0/8 to the loopback device), so the app must learn the client's address from
nginx's X-Forwarded-For, as it would behind a real proxy.

The test skips, and says why, when nginx, Redis, openssl or PostgreSQL is missing; `.ci/run` installs them.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from typing import Any

import lxml.html
import pytest
import requests
from requests.adapters import HTTPAdapter

from tests.support import databases

ROOT = Path(__file__).resolve().parent.parent
NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf"
VENV_BIN = Path(sys.executable).parent
PASSWORD = "a-long-deployment-password"
WRONG = "not-the-right-password"
STARTUP_SECONDS = 60
ADDRESS_LIMIT = "10 per 5 minutes"  # failed sign-ins from one address, for any accounts

pytestmark = pytest.mark.deployment


def _nginx() -> str | None:
    return shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin")


def _listening(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until(ready: Any, what: str, process: subprocess.Popen | None = None, log: Path | None = None) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            break
        try:
            if ready():
                return
        except (OSError, requests.RequestException):
            pass
        time.sleep(0.2)
    detail = log.read_text()[-3000:] if log and log.exists() else ""
    raise AssertionError(f"{what} did not start\n{detail}")


def _start(command: list[str], log: Path, processes: list[subprocess.Popen], **kwargs: Any) -> subprocess.Popen:
    """Start a server as a child of this process (so it can be stopped), its output going to ``log``."""
    with log.open("w") as output:
        processes.append(subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, **kwargs))
    return processes[-1]


# --- the README's production commands -------------------------------------------------------------------


@dataclass
class ReadmeCommands:
    exports: dict[str, str]
    upgrade: list[str]
    serve: list[str]


def readme_commands() -> ReadmeCommands:
    """The README's production block: its exports, its migration command and its gunicorn command."""
    text = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- production-command -->\s*```sh\n(.*?)```", text, re.S)
    assert block, "README.md has no <!-- production-command --> block"
    exports: dict[str, str] = {}
    commands: list[list[str]] = []
    for line in block.group(1).splitlines():
        words = shlex.split(line, comments=True)
        if not words:
            continue
        if words[0] == "export":
            name, _, value = words[1].partition("=")
            exports[name] = value
        else:
            commands.append(words)
    upgrade = next(c for c in commands if c[0].endswith("flask") and c[-2:] == ["db", "upgrade"])
    serve = next(c for c in commands if c[0].endswith("gunicorn"))
    return ReadmeCommands(exports, upgrade, serve)


def _here(command: list[str]) -> list[str]:
    """The README runs .venv/bin/...; run the same program from the interpreter running these tests."""
    return [str(VENV_BIN / Path(command[0]).name), *command[1:]] if command[0].startswith(".venv/bin/") else command


def gunicorn_command(readme: ReadmeCommands, port: int) -> list[str]:
    """The README's gunicorn line, with 2 workers and this test's port."""
    command = _here(readme.serve)
    workers = command.index("--workers")
    command[workers + 1] = "2"
    bind = command.index("--bind")
    command[bind + 1] = f"127.0.0.1:{port}"
    return command


def environment(readme: ReadmeCommands, database: str, redis_url: str, secret: str) -> dict[str, str]:
    """The README's exports, with this test's database, Redis and key in place of the examples."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("READINESS_", "RATELIMIT_", "SESSION_"))}
    for name, value in readme.exports.items():
        if name == "DATABASE_URL":
            value = database
        elif name == "SECRET_KEY":
            value = secret
        elif value.startswith("redis://"):
            value = redis_url
        env[name] = value
    # The limiter tests below count to ten failures from one address; name that limit whatever its default.
    env["SIGN_IN_ADDRESS_LIMIT"] = ADDRESS_LIMIT
    return env


# --- the servers -----------------------------------------------------------------------------------------


@dataclass
class Deployment:
    url: str  # through nginx, over TLS
    http_url: str  # nginx's plain-HTTP server, which only redirects
    hosts: list[str]  # each gunicorn directly (an app host)
    certificate: Path
    env: dict[str, str]
    people: dict[str, str] = field(default_factory=dict)


def _redis(tmp: Path, processes: list[subprocess.Popen]) -> str:
    """A private Redis when Debian's redis-server is installed (fresh counts every run); else the local one."""
    server = shutil.which("redis-server")
    if server:
        port = _free_port()
        log = tmp / "redis.log"
        command = [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        redis = _start(command, log, processes, cwd=tmp)
        _wait_until(lambda: _listening(port), "redis-server", redis, log)
        return f"redis://127.0.0.1:{port}"
    if _listening(6379):
        return "redis://127.0.0.1:6379"
    pytest.skip("Redis is not available (apt-get install -y redis-server)")


def _certificate(tmp: Path) -> tuple[Path, Path]:
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed, so nginx cannot serve TLS here")
    certificate, key = tmp / "certificate.pem", tmp / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(certificate)),
        ],
        check=True,
        capture_output=True,
    )
    return certificate, key


def render_nginx(
    tmp: Path, app_ports: list[int], http_port: int, https_port: int, certificate: Path, key: Path
) -> Path:
    """deploy/nginx.conf with this machine's paths and ports, inside a main file that runs nginx unprivileged."""
    template = NGINX_TEMPLATE.read_text()
    replacements = {
        "    server 127.0.0.1:8000;": "\n".join(f"    server 127.0.0.1:{port};" for port in app_ports),
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "server_name readiness.example.nhs.uk;": "server_name 127.0.0.1;",
        "/etc/ssl/certs/role-readiness.pem": str(certificate),
        "/etc/ssl/private/role-readiness.key": str(key),
        "/srv/role-readiness": str(ROOT),
    }
    for old, new in replacements.items():
        assert old in template, f"deploy/nginx.conf no longer has {old!r}; update tests/test_deployment.py"
        template = template.replace(old, new)
    site = tmp / "role-readiness.conf"
    site.write_text(template)
    temp = {name: tmp / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for folder in temp.values():
        folder.mkdir()
    main = tmp / "nginx.conf"
    main.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")  # as root, workers would otherwise drop to nobody
        + f"worker_processes 1;\npid {tmp / 'nginx.pid'};\nerror_log {tmp / 'error.log'} warn;\n"
        + "events { worker_connections 256; }\n"
        + "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        + f"  access_log {tmp / 'access.log'};\n"
        + "".join(f"  {name}_temp_path {folder};\n" for name, folder in temp.items())
        + f"  include {site};\n}}\n"
    )
    return main


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    nginx = _nginx()
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install -y nginx)")
    server = databases.postgres_server()
    if server is None:
        pytest.skip("no PostgreSQL server reachable (set TEST_DATABASE_URL)")
    tmp = tmp_path_factory.mktemp("deployment")
    processes: list[subprocess.Popen] = []
    database = databases.create_database(server, f"readiness_deployment_{os.getpid()}")
    try:
        redis_url = _redis(tmp, processes)
        readme = readme_commands()
        env = environment(
            readme, database.replace("postgresql+psycopg://", "postgresql://"), redis_url, secrets.token_hex(32)
        )
        assert env["READINESS_MODE"] == "production"
        subprocess.run(_here(readme.upgrade), cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
        people = _create_people(env)
        app_ports = [_free_port(), _free_port()]
        for number, port in enumerate(app_ports):
            # Each app host has its own local disk: nothing may rely on files one host wrote.
            # Each host has its own instance folder: only the database and Redis are shared.
            host_env = env | {"UPLOAD_FOLDER": str(tmp / f"host{number}" / "evidence")}
            log = tmp / f"gunicorn{number}.log"
            gunicorn = _start(gunicorn_command(readme, port), log, processes, cwd=ROOT, env=host_env)
            _wait_until(
                lambda port=port: requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200,
                f"gunicorn on port {port}",
                gunicorn,
                log,
            )
        certificate, key = _certificate(tmp)
        http_port, https_port = _free_port(), _free_port()
        config = render_nginx(tmp, app_ports, http_port, https_port, certificate, key)
        test = subprocess.run(
            [nginx, "-t", "-p", str(tmp), "-c", str(config), "-e", str(tmp / "error.log")],
            capture_output=True,
            text=True,
        )
        assert test.returncode == 0, test.stderr
        command = [nginx, "-p", str(tmp), "-c", str(config), "-e", str(tmp / "error.log"), "-g", "daemon off;"]
        server_process = _start(command, tmp / "nginx.out", processes)
        _wait_until(lambda: _listening(https_port), "nginx", server_process, tmp / "error.log")
        yield Deployment(
            f"https://127.0.0.1:{https_port}",
            f"http://127.0.0.1:{http_port}",
            [f"http://127.0.0.1:{port}" for port in app_ports],
            certificate,
            env,
            people,
        )
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in reversed(processes):
            try:
                process.wait(30)  # gunicorn's graceful stop can take a while on a busy machine
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        databases.drop_database(server, database)


def _create_people(env: dict[str, str]) -> dict[str, str]:
    """Accounts made with the README's command line, in production mode: a lead, a colleague, a commissioner."""
    people = {
        "lead": ("lead@deploy.example.nhs.uk", "project_lead", "Deployment Trust"),
        "colleague": ("colleague@deploy.example.nhs.uk", "project_lead", "Deployment Trust"),
    }
    flask = str(VENV_BIN / "flask")
    for name, (email, role, organisation) in people.items():
        subprocess.run(
            [
                *(flask, "--app", "app", "create-user", "--email", email, "--name", name.title()),
                *("--organisation", organisation, "--role", role, "--password", PASSWORD),
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
    return {name: email for name, (email, _, _) in people.items()}


# --- a person with a browser, at an address of their own ---------------------------------------------------


class _FromAddress(HTTPAdapter):
    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Visitor:
    """Someone at ``address`` who keeps cookies, sends the Referer a browser would, and never follows redirects.

    With a ``certificate`` they come through nginx over TLS; without, straight to an app host over HTTP, which
    stands in for nginx there, so Secure cookies are sent over plain HTTP too (requests' own jar would not).
    """

    def __init__(self, base: str, address: str = "127.0.0.1", certificate: Path | None = None) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}
        self.session = requests.Session()
        self.session.mount(base, _FromAddress(address))
        self.session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))  # self.cookies instead
        # Per request: a Session's own ``verify`` loses to REQUESTS_CA_BUNDLE in the environment.
        self.verify: str | bool = str(certificate) if certificate else True

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self._send("GET", path, **kwargs)

    def post(self, path: str, data: dict[str, Any], **kwargs: Any) -> requests.Response:
        headers = {"Referer": self.base + path} | kwargs.pop("headers", {})
        return self._send("POST", path, data=data, headers=headers, **kwargs)

    def _send(self, method: str, path: str, headers: dict[str, str] | None = None, **kwargs: Any) -> requests.Response:
        jar = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())} if self.cookies else {}
        response = self.session.request(
            method,
            self.base + path,
            headers=jar | (headers or {}),
            allow_redirects=False,
            timeout=60,
            verify=self.verify,
            **kwargs,
        )
        for header in response.raw.headers.getlist("Set-Cookie"):
            name, _, value = header.split(";", 1)[0].partition("=")
            if "max-age=0" in header.lower() or "01 jan 1970" in header.lower():
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return response

    def submit(self, path: str, changes: dict[str, Any] | None = None) -> requests.Response:
        """Open the page, fill the form that has the ``changes``' fields as a browser would, and send it."""

        changes = changes or {}
        page = self.get(path)
        assert page.status_code == 200, (path, page.status_code)
        forms = lxml.html.fromstring(page.text).forms
        wanted = set(changes) - {"action"}
        form = next((f for f in forms if wanted <= set(f.fields.keys())), forms[-1])
        return self.post(path, dict(form.form_values()) | changes)

    def sign_in(self, email: str, password: str) -> requests.Response:
        return self.submit("/sign-in", {"email": email, "password": password})

    def cookie(self, name: str = "session") -> str:
        return self.cookies[name]


def throttled(response: requests.Response) -> bool:
    """Refused for too many failures: a 429, or a sign-in page that says when to try again."""
    return response.status_code == 429 or "try again" in response.text.lower()


def wrong_password(response: requests.Response) -> bool:
    """Told the email or password is wrong (not refused for another reason, such as an expired form)."""
    return "Enter a correct email address and password" in response.text and not throttled(response)


def at(deployment: Deployment, number: int) -> Visitor:
    """A person at loopback address 127.0.0.<number>, through nginx."""
    return Visitor(deployment.url, f"127.0.0.{number}", deployment.certificate)


# --- the tests -------------------------------------------------------------------------------------------


def test_static_files_come_from_nginx_with_long_caching_and_pages_from_the_app(deployment: Deployment) -> None:
    visitor = at(deployment, 1)
    page = visitor.get("/sign-in")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Secure" in page.headers["Set-Cookie"] and "HttpOnly" in page.headers["Set-Cookie"]
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    assert page.headers["Content-Encoding"] in ("br", "gzip")  # requests asks for both
    urls = re.findall(r'(?:href|from) ?=? ?"(/(?:static|assets)/[^"]+\?v=[0-9a-f]+)"', page.text)
    assert len(urls) >= 4
    for url in urls:
        response = visitor.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable", url
        assert "nginx/" not in response.headers.get("Server", "")  # no version on show
    image = visitor.get("/assets/images/nhsuk-icon-cross.svg")
    assert image.status_code == 200 and image.headers["Cache-Control"] == "public, max-age=3600"


def test_plain_http_is_sent_to_https(deployment: Deployment) -> None:
    response = requests.get(f"{deployment.http_url}/sign-in?next=/", allow_redirects=False, timeout=10)
    assert response.status_code == 301
    assert response.headers["Location"] == "https://127.0.0.1/sign-in?next=/"  # port 443 in the real config


def test_sign_in_save_sign_out_and_the_old_cookie_is_refused(deployment: Deployment) -> None:
    lead = at(deployment, 2)
    assert lead.sign_in(deployment.people["lead"], PASSWORD).status_code == 302
    new = lead.submit("/assessments/new", {"title": "Deployment test role"})
    assert new.status_code == 302, new.text[:500]
    section = new.headers["Location"].removeprefix(deployment.url)
    saved = lead.submit(section, {"q__role_title": "Advanced clinical practitioner", "action": "later"})
    assert saved.status_code == 302, saved.text[:500]
    assert "Advanced clinical practitioner" in lead.get(section).text
    api = lead.get("/api/assessments")
    assert api.status_code == 200 and api.headers["Cache-Control"] == "no-store"
    old = lead.cookie()

    assert lead.submit("/sign-out").status_code == 302
    replay = Visitor(deployment.url, "127.0.0.2", deployment.certificate)
    replay.cookies["session"] = old
    page = replay.get("/assessments/")
    assert page.status_code == 302 and "/sign-in" in page.headers["Location"], "the old cookie still opens a page"
    assert replay.get("/api/assessments").status_code == 401, "the old cookie still opens the API"


def test_twelve_people_failing_to_sign_in_do_not_stop_a_thirteenth(deployment: Deployment) -> None:
    for number in range(20, 32):
        failed = at(deployment, number).sign_in(deployment.people["lead"], WRONG)
        assert wrong_password(failed), (failed.status_code, failed.text[-500:])
    colleague = at(deployment, 32).sign_in(deployment.people["colleague"], PASSWORD)
    assert colleague.status_code == 302, "someone else's failures refused a correct sign-in"


def test_the_limiter_counts_each_real_client_address(deployment: Deployment) -> None:
    """Ten failures from one address (unknown accounts, so only the address counts) stop that address only."""
    one = at(deployment, 40)
    for attempt in range(10):
        assert not throttled(one.sign_in(f"nobody{attempt}@deploy.example.nhs.uk", WRONG))
    assert throttled(one.sign_in("nobody-more@deploy.example.nhs.uk", WRONG))
    assert at(deployment, 41).sign_in(deployment.people["colleague"], PASSWORD).status_code == 302


def test_two_app_hosts_share_the_database_the_sessions_and_the_limiter(deployment: Deployment) -> None:
    first, second = (Visitor(host) for host in deployment.hosts)
    through_nginx = at(deployment, 50)
    assert through_nginx.sign_in(deployment.people["colleague"], PASSWORD).status_code == 302
    created = through_nginx.submit("/assessments/new", {"title": "Seen from both hosts"})
    assert created.status_code == 302
    for host in (first, second):
        host.cookies["session"] = through_nginx.cookie()
        page = host.get("/assessments/")
        assert page.status_code == 200 and "Seen from both hosts" in page.text, host.base
    # Failures at either host count in the one Redis: ten split between them stop the eleventh at either.
    # Each host is reached as nginx would reach it, naming the client (a documentation address) in the header.
    strangers = [Visitor(host) for host in deployment.hosts]
    for stranger in strangers:
        stranger.session.headers["X-Forwarded-For"] = "192.0.2.77"
    for attempt in range(10):
        stranger = strangers[attempt % 2]
        failed = stranger.sign_in(f"nobody{attempt}@hosts.example.nhs.uk", WRONG)
        assert wrong_password(failed), (failed.status_code, failed.text[-500:])
    for stranger in strangers:
        assert throttled(stranger.sign_in("nobody-more@hosts.example.nhs.uk", WRONG)), stranger.base


def test_two_app_hosts_serve_the_same_evidence_file(deployment: Deployment) -> None:
    first, second = (Visitor(host) for host in deployment.hosts)
    through_nginx = at(deployment, 60)
    assert through_nginx.sign_in(deployment.people["colleague"], PASSWORD).status_code == 302
    created = through_nginx.submit("/assessments/new", {"title": "Evidence on two hosts"})
    base = created.headers["Location"].removeprefix(deployment.url).split("/section/")[0]
    for host in (first, second):
        host.cookies["session"] = through_nginx.cookie()
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"

    page = first.get(f"{base}/evidence")
    token = lxml.html.fromstring(page.text).forms[-1].fields["csrf_token"]
    uploaded = first.post(
        f"{base}/evidence",
        {"csrf_token": token, "question_id": "need_patient_need"},
        files={"upload": ("needs analysis.pdf", pdf, "application/pdf")},
    )
    assert uploaded.status_code == 302, uploaded.text[:500]
    link = re.search(rf'href="({re.escape(base)}/evidence/\d+)"', first.get(f"{base}/evidence").text)
    assert link, "the uploaded file is not listed"
    for host in (first, second):
        download = host.get(link.group(1))
        assert download.status_code == 200 and download.content == pdf, host.base
        assert download.headers["Cache-Control"] == "no-store"
