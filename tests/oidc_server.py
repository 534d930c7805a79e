"""A real OpenID Connect provider for the 统一身份认证 tests: tests/oidc_provider/ (django-oauth-toolkit), run as
its own process over HTTP on a free loopback port, with its own SQLite and RSA key in a temporary directory.
Where it cannot start, the tests skip and say so."""

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

MANAGE = Path(__file__).resolve().parent / "oidc_provider" / "manage.py"
PORTAL = "http://testserver"  # the Django test client's host: the redirect URIs the provider accepts


@dataclass
class Provider:
    url: str
    directory: Path

    @property
    def discovery(self) -> str:
        return f"{self.url}/o/.well-known/openid-configuration"

    def manage(self, *args: str) -> None:
        _run(self.directory, *args)


def _run(directory: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"} | {"PROVIDER_DIR": str(directory)}
    return subprocess.run([sys.executable, str(MANAGE), *args], env=env, capture_output=True, text=True, timeout=120)


def _skip(reason: str):
    pytest.skip(f"无法启动本地 OpenID Connect 服务，跳过统一身份认证测试 / cannot start the OIDC provider: {reason}")


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    try:
        import oauth2_provider  # noqa: F401
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
    except ImportError as exc:
        _skip(f"{exc}（pip install -r requirements-dev.txt）")
    directory = tmp_path_factory.mktemp("oidc-provider")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (directory / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    for step in (["migrate", "--noinput", "-v0"], ["setup_provider", "--portal", PORTAL]):
        done = _run(directory, *step)
        if done.returncode:
            _skip(f"{' '.join(step)}: {done.stderr.strip()[-400:]}")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"} | {"PROVIDER_DIR": str(directory)}
    log = open(directory / "server.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [sys.executable, str(MANAGE), "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    provider = Provider(f"http://127.0.0.1:{port}", directory)
    import requests

    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            log.close()
            _skip(f"runserver exited {process.returncode}: {(directory / 'server.log').read_text()[-400:]}")
        try:
            if requests.get(provider.discovery, timeout=2).status_code == 200:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            process.kill()
            log.close()
            _skip("the provider did not answer within 60 s")
        time.sleep(0.2)
    yield provider
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
