"""The `tendercare` console script: friendly names for the management commands.

tendercare demo                       build the demo county (deterministic)
tendercare serve [--port 8000]        serve on 127.0.0.1, with a background-task worker beside it
tendercare travel run --visits F --carers F --zone Z --week-start D   carer runs, travel by band
tendercare import cost-submission FILE ...   a provider's open-book costs (CSV or XLSX)
tendercare import commissioned-hours FILE ...   hours and current spend by zone and band
tendercare import visits FILE --owner ORG   electronic call monitoring records (CSV, XLSX, Parquet)
tendercare compute kpis ...           the KPI engine over the stored visits
tendercare import survey FILE --activity ID   survey responses for an engagement activity
tendercare load census FILE --table TS021     a Census 2021 table for local authorities
tendercare report scrutiny REF --output F.pdf   the committee update for a programme
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
    ("import", "cost-submission"): "import_cost_submission",
    ("import", "commissioned-hours"): "import_commissioned_hours",
    ("travel", "run"): "travel_run",
    ("import", "visits"): "import_visits",
    ("compute", "kpis"): "compute_kpis",
    ("import", "survey"): "import_survey",
    ("load", "census"): "load_census",
    ("report", "scrutiny"): "report_scrutiny",
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

    raw = list(sys.argv[1:] if argv is None else argv)
    args = translate(raw)
    if raw[:1] == ["serve"]:
        _serve_with_worker(args)
        return
    execute_from_command_line(["tendercare", *args])


def _serve_with_worker(args: list[str]) -> None:
    """Background work (travel runs) is queued in the database; a worker beside the web server
    runs it, so `make demo` needs nothing else started."""
    import subprocess

    worker = subprocess.Popen([sys.executable, "-m", "tendercare.cli", "db_worker"])
    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["tendercare", *args])
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()


if __name__ == "__main__":
    main()
