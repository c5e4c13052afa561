"""``python -m medbrief.web [--host H] [--port P]``: the same as ``medbrief serve``."""

from medbrief.web.cli import serve

if __name__ == "__main__":
    serve(prog_name="python -m medbrief.web")
