"""``medbrief serve``: the web app and JSON API on the local store, with uvicorn."""

from __future__ import annotations

import errno
import socket
import sys

import click

from medbrief.errors import MedbriefError


def _check_port(host: str, port: int) -> None:
    """Fail with a one-line message (not a traceback) if ``host:port`` cannot be bound."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise MedbriefError(f"cannot serve on host {host!r} ({exc.strerror}); use an address "
                            "such as 127.0.0.1 or 0.0.0.0") from exc
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(addr)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise MedbriefError(f"port {port} on {host} is already in use; stop the other "
                                    "server or choose another port with --port") from exc
            raise MedbriefError(f"cannot listen on {host}:{port} ({exc.strerror}); choose "
                                "another --host or --port") from exc


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for every interface).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="TCP port to listen on.")
@click.option("--ensure-data", is_flag=True,
              help="If the store is empty, ingest the demo evidence pack first.")
@click.option("--access-log/--no-access-log", default=False, show_default=True,
              help="Log one line per request.")
def serve(host: str, port: int, ensure_data: bool, access_log: bool) -> None:
    """Serve the answer pages and the JSON API (OpenAPI at /openapi.json) on the local store."""
    try:
        _serve(host, port, ensure_data, access_log)
    except MedbriefError as exc:  # one line, as every medbrief command (see medbrief.cli)
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


def _serve(host: str, port: int, ensure_data: bool, access_log: bool) -> None:
    import uvicorn

    from medbrief.compose.answerer import Engine
    from medbrief.settings import Settings
    from medbrief.store import open_store
    from medbrief.web.app import create_app

    _check_port(host, port)
    settings = Settings()
    store = open_store(settings.db_path)
    try:
        documents = store.stats().documents
        if documents == 0 and ensure_data:
            from medbrief.demo import demo_pack_path
            from medbrief.ingest import ingest_paths

            click.echo("The store is empty: loading the demo evidence pack "
                       "(demo content, not reviewed).", err=True)
            click.echo(ingest_paths(store, [demo_pack_path()]).summary(), err=True)
            documents = store.stats().documents
        if documents == 0:
            click.echo(f"warning: the store {settings.db_path} is empty, so every answer will be "
                       "'insufficient evidence'; run `medbrief ingest --demo` or ingest data "
                       "(or use --ensure-data)", err=True)
        shown = f"[{host}]" if ":" in host else host
        click.echo(f"medbrief serving http://{shown}:{port}/ (store: {settings.db_path}, "
                   f"{documents:,} documents) — press Ctrl+C to stop", err=True)
        # One process, one Engine: requests share it (see medbrief.web.service for the locking).
        uvicorn.run(create_app(Engine(store, settings)), host=host, port=port,
                    log_level="warning", access_log=access_log, server_header=False,
                    proxy_headers=False)
    finally:
        store.close()
