"""The `tendercare` console script: friendly names for the management commands.

tendercare demo                       build the demo county (deterministic)
tendercare serve [--port 8000]        serve on 127.0.0.1
tendercare geography load [DIR]       import ONS files (default: the shipped extracts)
tendercare import contracts FILE      import a contract register (CSV or XLSX)
tendercare export contracts --format csv|xlsx --output FILE
tendercare <any manage.py command>
"""

import os
import sys

ALIASES = {
    ("geography", "load"): "geography_load",
    ("import", "contracts"): "import_contracts",
    ("export", "contracts"): "export_contracts",
    ("export", "ocds"): "export_ocds",
}


def translate(argv: list[str]) -> list[str]:
    if len(argv) >= 2 and (argv[0], argv[1]) in ALIASES:
        return [ALIASES[(argv[0], argv[1])], *argv[2:]]
    if argv and argv[0] == "serve":
        port = "8000"
        rest = argv[1:]
        if "--port" in rest:
            i = rest.index("--port")
            port = rest[i + 1]
            rest = rest[:i] + rest[i + 2 :]
        return ["runserver", f"127.0.0.1:{port}", "--noreload", *rest]
    return argv


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tendercare.settings")
    from django.core.management import execute_from_command_line

    args = translate(list(sys.argv[1:] if argv is None else argv))
    execute_from_command_line(["tendercare", *args])


if __name__ == "__main__":
    main()
