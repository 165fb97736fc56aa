"""The test identity provider: npm's oidc-provider run by tests/idp/server.mjs on a free port."""

import os
import re
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urljoin

import requests

SERVER = Path(__file__).with_name("server.mjs")
ROOT = SERVER.parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TestProvider:
    __test__ = False  # a helper named Test…, not a test class

    def __init__(self, redirect_uris: list[str]) -> None:
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            ["node", str(SERVER)],
            cwd=ROOT,
            env={
                "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
                "IDP_PORT": str(self.port),
                "IDP_REDIRECT_URIS": ",".join(redirect_uris),
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for _ in range(100):
            try:
                requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=1)
                return
            except requests.ConnectionError:
                if self.process.poll() is not None:
                    raise RuntimeError("The test identity provider did not start.") from None
                time.sleep(0.1)
        raise RuntimeError("The test identity provider did not answer.")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(5)

    def fault(self, fault: str | None) -> None:
        """The next ID token is rewritten: "nonce", "expired", "signature" or "amr"."""
        requests.post(f"{self.issuer}/__test/fault", json={"fault": fault}, timeout=5)

    def set_groups(self, login: str, groups: list[str]) -> None:
        requests.post(
            f"{self.issuer}/__test/groups", json={"login": login, "groups": groups}, timeout=5
        )

    def set_email(self, login: str, email: str) -> None:
        """The provider now gives this e-mail for that login (its ``sub``), creating the login."""
        requests.post(
            f"{self.issuer}/__test/email", json={"login": login, "email": email}, timeout=5
        )

    def sign_in(self, authorize_url: str, login: str, back_to: str) -> str:
        """Goes through the provider's own sign-in form as a browser would; returns the URL it
        sends the browser back to (ours, with code and state)."""
        browser = requests.Session()
        url = authorize_url
        for _ in range(12):
            response = browser.get(url, allow_redirects=False)
            if response.is_redirect:
                url = urljoin(url, response.headers["Location"])
                if url.startswith(back_to):
                    return url
                continue
            action = re.search(r'<form[^>]*action="([^"]+)"', response.text).group(1)
            prompt = re.search(r'name="prompt" value="([^"]+)"', response.text).group(1)
            response = browser.post(
                urljoin(url, action),
                data={"prompt": prompt, "login": login, "password": "any"},
                allow_redirects=False,
            )
            url = urljoin(url, response.headers["Location"])
            if url.startswith(back_to):
                return url
        raise AssertionError(f"The provider never sent the browser back (last at {url}).")
