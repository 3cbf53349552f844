"""Whether the Socket.IO client can actually connect: python-socketio's asyncio client needs aiohttp, and
without it every connect fails and the apps stay Offline with no push. Used by the bundles' `--self-check`,
by scripts/_env.sh after installing, and by the install test with Python 3.11's own pip."""

from __future__ import annotations


class SocketTransportMissing(RuntimeError):
    pass


def check_socket_client() -> str:
    """Import the socket client with its transport; raise SocketTransportMissing with what to install, or
    return a one-line description ("python-socketio 5.x, engineio 4.x over aiohttp 3.x")."""
    try:
        import engineio.async_client as engineio_client
        import socketio
    except ImportError as exc:
        raise SocketTransportMissing(f"the Socket.IO client is not installed: {exc}") from exc
    # engineio imports aiohttp optionally and leaves None behind when it is missing
    aiohttp = getattr(engineio_client, "aiohttp", None)
    if aiohttp is None:
        raise SocketTransportMissing(
            "aiohttp is not installed: the Socket.IO client cannot connect (pip install aiohttp)"
        )
    socketio.AsyncClient(reconnection=False)  # builds its engine.io client, as the apps do
    sio, eio = _version("python-socketio"), _version("python-engineio")
    return f"python-socketio {sio}, python-engineio {eio} over aiohttp {aiohttp.__version__}"


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:  # a bundle carries the code without the dist-info
        return "(bundled)"


if __name__ == "__main__":  # python -m common.client.transport_check
    print(check_socket_client())
