"""`undersigned preview`: the letter in a browser, updated after every save."""

from __future__ import annotations

import threading
from pathlib import Path

import click

from .. import cli as _cli
from ..workspace import display_path, find_root, letter_files, resolve_letter


@click.command()
@click.argument("letter", required=False)
@click.option("--port", type=click.IntRange(0, 65535), default=0,
              help="Port on 127.0.0.1 to serve on (default: a free one, printed).")
@click.option("--open", "open_browser", is_flag=True,
              help="Open the page in the default web browser.")
def preview(letter, port, open_browser):
    """Serve LETTER (a path or slug; default: the workspace's only letter) as a live page.

    The page is served on 127.0.0.1 only and updates in place after every save of the letter,
    its roster, the workspace's templates or a source's snapshot, keeping your place. Problems
    that stop the render show over the last good version; "Print" shows the pages as printed,
    with the notes at the page foot. Ctrl-C stops it.

    \b
    Example:
      undersigned preview china-forced-repatriation-2023 --open
    """
    from ..errors import WorkspaceError
    from ..render.preview import PreviewServer, PreviewSession, watch_workspace

    cwd = Path.cwd()
    if letter is None:
        root = find_root(cwd)
        found = letter_files(root) if root else []
        if len(found) != 1:
            names = ", ".join(p.stem for p in found) or "none"
            raise WorkspaceError(f"name the letter to preview (letters here: {names}); for "
                                 "example: undersigned preview SLUG")
        path = found[0]
    else:
        path = resolve_letter(letter, cwd)
    session = PreviewSession(path, cwd, _cli.today())
    server = PreviewServer(session, port)
    stop = threading.Event()
    serving = threading.Thread(target=server.serve_forever, name="preview-server", daemon=True)

    def ready():
        # the watcher is in place: anything saved since the first render is picked up now,
        # and the address is printed only once a save is sure to show
        state = server.publish()
        click.echo(f"Previewing {display_path(path, cwd)} at {server.url}", err=True)
        click.echo(server.url)
        if not state.ok:
            click.echo("The letter does not render yet; the page lists what to fix.", err=True)
        click.echo("Watching for saves; press Ctrl-C to stop.", err=True)
        if open_browser:
            import webbrowser

            webbrowser.open(server.url)

    try:
        server.publish()
        serving.start()
        watch_workspace(session.root, server.publish, stop, on_ready=ready)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        if serving.is_alive():
            server.stop()
        else:
            server.server_close()
    click.echo("Stopped.", err=True)
