"""The console on 127.0.0.1, against a moto stack (the demo's): moto's cognito-idp stands in for the user
pool (a pool, a public app client allowing USER_PASSWORD_AUTH, the groups `analysts` and `admins`, one analyst
and one admin with generated passwords), the console's own password form signs in through it, and the ID
tokens moto issues are verified exactly as on AWS (services/console_auth.py), against moto's published
JWKS (read from the moto package: moto in-process answers boto3 calls, not an HTTP fetch of the JWKS).

HTTP requests become the API Gateway proxy events the console function gets on AWS; answers become HTTP
responses (a CSV export is written chunk by chunk, HTTP/1.1 chunked)."""

from __future__ import annotations

import gzip
import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from pipewatch.services.console import ConsoleResponse, ConsoleService
from pipewatch_local.local_http import LocalServer, read_body, send

STAGE = "local"
ANALYST = "analyst"
ADMIN = "admin"


class MotoJwks:
    """ports.KeySetSource: the public key set moto signs every cognito-idp token with."""

    def jwks(self, *, refresh: bool = False) -> dict[str, Any]:
        raw = resources.files("moto.cognitoidp").joinpath("resources", "jwks-public.json.gz").read_bytes()
        loaded: dict[str, Any] = json.loads(gzip.decompress(raw))
        return loaded


@dataclass(frozen=True)
class LocalPool:
    pool_id: str
    client_id: str
    passwords: dict[str, str]


def create_pool(cognito: Any, *, passwords: dict[str, str] | None = None) -> LocalPool:
    """A user pool as template.yaml declares it, with one analyst and one admin (permanent passwords)."""
    pool_id = cognito.create_user_pool(PoolName="pipewatch-console")["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="console",
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    for group in ("analysts", "admins"):
        cognito.create_group(UserPoolId=pool_id, GroupName=group)
    chosen = passwords or {ANALYST: _password(), ADMIN: _password()}
    for user, group in ((ANALYST, "analysts"), (ADMIN, "admins")):
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=user,
            UserAttributes=[{"Name": "email", "Value": f"{user}@example.com"}],
            MessageAction="SUPPRESS",
        )
        cognito.admin_set_user_password(
            UserPoolId=pool_id, Username=user, Password=chosen[user], Permanent=True
        )
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=user, GroupName=group)
    return LocalPool(pool_id, client_id, chosen)


def add_analyst(cognito: Any, pool: LocalPool, username: str, password: str) -> None:
    """Another analyst (the browser test's second account, to be refused the first one's subscription)."""
    cognito.admin_create_user(UserPoolId=pool.pool_id, Username=username, MessageAction="SUPPRESS")
    cognito.admin_set_user_password(
        UserPoolId=pool.pool_id, Username=username, Password=password, Permanent=True
    )
    cognito.admin_add_user_to_group(UserPoolId=pool.pool_id, Username=username, GroupName="analysts")


def _password() -> str:
    """Random, and meeting any pool's policy (upper and lower case, a digit, a symbol)."""
    return f"Pw-{secrets.token_urlsafe(12)}-7z"


def console_service(settings: Any, cognito: Any, pool: LocalPool, **extra: Any) -> ConsoleService:
    """The console as composition builds it, with moto's pool as identity provider and key set."""
    from dataclasses import replace

    from pipewatch.adapters.cognito import CognitoIdentity
    from pipewatch.composition import build_console_service

    local = replace(settings, cognito_pool_id=pool.pool_id, cognito_client_id=pool.client_id)
    return build_console_service(
        local,
        identity=CognitoIdentity(domain="", client_id=pool.client_id, cognito_client=cognito),
        keys=MotoJwks(),
        hosted_ui=False,
        **extra,
    )


def proxy_event(method: str, target: str, headers: dict[str, str], body: str, stage: str) -> dict[str, Any]:
    """The API Gateway REST proxy event of one request to `/<stage>/console/...`."""
    parts = urlsplit(target)
    path = parts.path.removeprefix(f"/{stage}") or "/"
    return {
        "httpMethod": method,
        "path": path,
        "resource": "/console/{proxy+}",
        "headers": {**headers, "X-Forwarded-Proto": "http"},
        "queryStringParameters": dict(parse_qsl(parts.query)) or None,
        "body": body or None,
        "isBase64Encoded": False,
        "requestContext": {"path": parts.path, "stage": stage, "domainName": headers.get("Host", "")},
    }


def write_answer(http: BaseHTTPRequestHandler, answer: ConsoleResponse) -> None:
    """The console's answer as an HTTP/1.1 response: whole (Content-Length), or chunk by chunk."""
    headers = {"Content-Type": answer.content_type, **answer.headers}
    if answer.chunks is None:
        send(http, answer.status, headers, answer.body.encode("utf-8"), answer.cookies)
        return
    http.send_response(answer.status)
    for name, value in headers.items():
        http.send_header(name, value)
    for cookie in answer.cookies:
        http.send_header("Set-Cookie", cookie)
    http.send_header("Transfer-Encoding", "chunked")
    http.end_headers()
    for chunk in answer.chunks:
        data = chunk.encode("utf-8")
        http.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
    http.wfile.write(b"0\r\n\r\n")


class ConsoleServer(LocalServer):
    """Serves `/<stage>/console/...` on 127.0.0.1 with `service` (through the real handler's mapping)."""

    threaded = True
    protocol_version = "HTTP/1.1"

    def __init__(self, service: ConsoleService, *, port: int = 0, stage: str = STAGE) -> None:
        from pipewatch.handlers import console as console_handler

        self.stage = stage
        self.requests: list[tuple[str, str, int]] = []
        self._console = service
        self._to_request: Callable[[dict[str, Any]], Any] = console_handler.request_of
        self._lock = threading.Lock()  # moto's in-process backends are not meant for concurrent callers
        super().__init__(port=port)

    def serve(self, http: BaseHTTPRequestHandler, method: str) -> None:
        if not http.path.startswith(f"/{self.stage}/console"):
            send(http, 404, {"Content-Type": "text/plain; charset=utf-8"}, b"not found")
            return
        body = read_body(http, 16384)
        event = proxy_event(method, http.path, dict(http.headers.items()), body, self.stage)
        with self._lock:  # held while a CSV streams: its chunks read the table as they go
            answer = self._console.handle(self._to_request(event))
            self.requests.append((method, http.path, answer.status))
            write_answer(http, answer)

    @property
    def url(self) -> str:
        return f"{self.origin}/{self.stage}/console"
