"""The runtime network guard: only loopback and local sockets, no DNS, nothing sent."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from assistant.core.privacy import guard as privacy
from assistant.core.privacy.guard import EgressBlocked

ORIGINAL_CONNECT = socket.socket.connect
ORIGINAL_GETADDRINFO = socket.getaddrinfo


@pytest.fixture
def guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[Any]]]:
    """Install the guard with spies behind it: what reaches the real socket layer is recorded."""
    for key in privacy.OFFLINE_ENV:  # monkeypatch restores the caller's environment afterwards
        monkeypatch.setenv(key, "sentinel")
    privacy.install_guard()
    reached: dict[str, list[Any]] = {"connect": [], "connect_ex": [], "getaddrinfo": []}
    for name in reached:
        real = privacy._originals[name]

        def spy(*args: Any, _real: Any = real, _name: str = name, **kw: Any) -> Any:
            reached[_name].append(args)
            return _real(*args, **kw)

        monkeypatch.setitem(privacy._originals, name, spy)
    try:
        yield reached
    finally:
        monkeypatch.undo()  # put the real functions back before removing the guard
        privacy.remove_guard()
    assert socket.socket.connect is ORIGINAL_CONNECT
    assert socket.getaddrinfo is ORIGINAL_GETADDRINFO


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    yield srv
    srv.close()


def test_offline_variables_are_set(guard: dict[str, list[Any]]) -> None:
    for key, value in privacy.OFFLINE_ENV.items():
        assert os.environ[key] == value


@pytest.mark.parametrize("address", [("10.255.255.1", 9), ("192.0.2.1", 80), ("8.8.8.8", 53)])
def test_connect_to_remote_ipv4_is_refused_before_sending(
        guard: dict[str, list[Any]], address: tuple[str, int]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        with pytest.raises(EgressBlocked, match=address[0]):
            s.connect(address)
        with pytest.raises(EgressBlocked):
            s.connect_ex(address)
    with pytest.raises(EgressBlocked):
        socket.create_connection(address, timeout=1)
    assert guard["connect"] == [] and guard["connect_ex"] == []


def test_ipv6_addresses_are_judged_like_ipv4() -> None:
    # Checked on the address alone: IPv6 may be disabled in a CI container.
    with pytest.raises(EgressBlocked):
        privacy._check_address(socket.AF_INET6, ("2001:db8::1", 80, 0, 0))
    privacy._check_address(socket.AF_INET6, ("::1", 80, 0, 0))
    privacy._check_address(socket.AF_INET, ("127.8.9.10", 80))


@pytest.mark.parametrize("host", ["example.com", b"example.com", "pypi.org", "10.0.0.1"])
def test_dns_lookups_are_refused(guard: dict[str, list[Any]], host: str | bytes) -> None:
    with pytest.raises(EgressBlocked):
        socket.getaddrinfo(host, 443)
    assert guard["getaddrinfo"] == []


def test_create_connection_by_name_is_refused_without_a_lookup(
        guard: dict[str, list[Any]]) -> None:
    with pytest.raises(EgressBlocked):
        socket.create_connection(("example.com", 80), timeout=1)
    assert guard["getaddrinfo"] == [] and guard["connect"] == []


def test_egress_blocked_is_an_oserror() -> None:
    assert issubclass(EgressBlocked, OSError)


def test_loopback_connections_still_work(guard: dict[str, list[Any]],
                                         listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    accepted: list[bytes] = []

    def serve() -> None:
        for _ in range(2):
            conn, _ = listener.accept()
            with conn:
                accepted.append(conn.recv(16))

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as c:
        c.sendall(b"hello")
    with socket.create_connection(("localhost", port), timeout=5) as c:
        c.sendall(b"again")
    t.join(timeout=5)
    assert sorted(accepted) == [b"again", b"hello"]
    assert guard["connect"]  # the real connect was reached for loopback


def test_unix_sockets_are_local(guard: dict[str, list[Any]], tmp_path: Any) -> None:
    path = str(tmp_path / "s.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as srv:
        srv.bind(path)
        srv.listen(1)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as c:
            c.connect(path)


def test_install_is_idempotent_and_remove_restores() -> None:
    try:
        privacy.install_guard()
        patched = socket.socket.connect
        privacy.install_guard()
        assert socket.socket.connect is patched  # not wrapped twice
    finally:
        privacy.remove_guard()
    assert socket.socket.connect is ORIGINAL_CONNECT
    assert socket.getaddrinfo is ORIGINAL_GETADDRINFO
    privacy.remove_guard()  # harmless when not installed


def test_udp_sendto_remote_is_refused(guard: dict[str, list[Any]]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        with pytest.raises(EgressBlocked):
            s.sendto(b"x", ("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere real
