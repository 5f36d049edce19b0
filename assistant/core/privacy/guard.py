"""Runtime network guard: nothing leaves the machine.

`install_guard()` sets the Hugging Face offline variables and replaces
socket connect / DNS lookup with versions that refuse anything but loopback
and local (AF_UNIX) sockets. Every `pmc` command except `models pull` runs
under it, so a library that tries to phone home fails loudly instead of
quietly sending meeting data anywhere.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from typing import Any

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
}


class EgressBlocked(OSError):
    """A connection to a non-loopback address was attempted and refused."""


_originals: dict[str, Any] = {}


def _is_local_host(host: object) -> bool:
    if not isinstance(host, str):
        return False
    if host in ("localhost", "") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _check_address(family: int, address: object) -> None:
    if family == getattr(socket, "AF_UNIX", None):
        return
    host = address[0] if isinstance(address, tuple) and address else address
    if not _is_local_host(host):
        raise EgressBlocked(
            f"network access to {host!r} refused: Circle Assistant keeps everything on this "
            "machine (only `pmc models pull` may use the network)"
        )


def install_guard() -> None:
    """Idempotently install the guard for this process."""
    os.environ.update(OFFLINE_ENV)
    if _originals:
        return
    _originals["connect"] = socket.socket.connect
    _originals["connect_ex"] = socket.socket.connect_ex
    _originals["getaddrinfo"] = socket.getaddrinfo
    _originals["sendto"] = socket.socket.sendto
    _originals["sendmsg"] = socket.socket.sendmsg

    def connect(self: socket.socket, address: Any) -> None:
        _check_address(self.family, address)
        return _originals["connect"](self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        _check_address(self.family, address)
        return _originals["connect_ex"](self, address)

    def getaddrinfo(host: Any, *args: Any, **kw: Any) -> Any:
        if host is not None and not _is_local_host(host if not isinstance(host, bytes)
                                                   else host.decode()):
            raise EgressBlocked(f"DNS lookup of {host!r} refused: Circle Assistant works offline")
        return _originals["getaddrinfo"](host, *args, **kw)

    def sendto(self: socket.socket, data: Any, *args: Any) -> int:
        # sendto(data, address) or sendto(data, flags, address): the address is last.
        _check_address(self.family, args[-1])
        return _originals["sendto"](self, data, *args)

    def sendmsg(self: socket.socket, buffers: Any, *args: Any) -> int:
        if len(args) >= 3 and args[2] is not None:
            _check_address(self.family, args[2])
        return _originals["sendmsg"](self, buffers, *args)

    socket.socket.sendto = sendto  # type: ignore[method-assign,assignment]
    socket.socket.sendmsg = sendmsg  # type: ignore[method-assign,assignment]
    socket.socket.connect = connect  # type: ignore[assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[assignment]
    socket.getaddrinfo = getaddrinfo


def remove_guard() -> None:
    """Undo `install_guard` (tests only)."""
    if not _originals:
        return
    socket.socket.connect = _originals.pop("connect")  # type: ignore[method-assign]
    socket.socket.connect_ex = _originals.pop("connect_ex")  # type: ignore[method-assign]
    socket.getaddrinfo = _originals.pop("getaddrinfo")
    socket.socket.sendto = _originals.pop("sendto")  # type: ignore[method-assign]
    socket.socket.sendmsg = _originals.pop("sendmsg")  # type: ignore[method-assign]
    _originals.clear()
