import datetime
import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cld.extract import ExtractError, Period, run_extract


def dq_path(output):
    """FILE.csv -> FILE.dq.csv, beside it."""
    return (
        output.with_suffix(".dq.csv") if output.suffix.lower() == ".csv" else output.with_name(output.name + ".dq.csv")
    )


class Command(BaseCommand):
    help = "Write the CLD extract (one row per event completed in the period) and its data-quality report beside it."

    def add_arguments(self, parser):
        parser.add_argument("--start", required=True, help="first day of the reporting period, YYYY-MM-DD")
        parser.add_argument("--end", required=True, help="last day of the reporting period, YYYY-MM-DD")
        parser.add_argument("--output", required=True, help="the CSV file to write; the report goes to FILE.dq.csv")
        parser.add_argument("--release", default="2", help="specification release whose labels to write: 1 or 2")

    def handle(self, *args, **options):
        try:
            period = Period(_date(options["start"], "--start"), _date(options["end"], "--end"))
            release = int(options["release"]) if options["release"].isdigit() else options["release"]
            output = Path(options["output"])
            report = dq_path(output)
            summary = self._write(period, release, output, report)
        except ExtractError as error:
            raise CommandError(str(error), returncode=2) from None
        except OSError as error:
            raise CommandError(
                f"cannot write {error.filename or options['output']}: {error.strerror}", returncode=2
            ) from None
        self.stdout.write(
            f"Wrote {summary.rows} event rows to {output} and the data-quality report to {report}: "
            f"{summary.failures} failures in {summary.forms_failing} forms."
        )

    def _write(self, period, release, output, report):
        """Write both files under temporary names in their folder, then move them into place: never a partial file."""
        temporary = []
        try:
            for target in (output, report):
                handle, name = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.", suffix=".part")
                os.close(handle)
                temporary.append(Path(name))
            with (
                open(temporary[0], "w", newline="", encoding="utf-8") as csv_file,
                open(temporary[1], "w", newline="", encoding="utf-8") as dq_file,
            ):
                summary = run_extract(period, release, csv_file=csv_file, dq_file=dq_file, progress=self._progress)
            os.replace(temporary[0], output)
            os.replace(temporary[1], report)
            return summary
        finally:
            for path in temporary:
                path.unlink(missing_ok=True)

    def _progress(self, done, total):
        if not total:
            return
        width = 30
        filled = int(width * done / total)
        line = f"Extracting CLD events [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}"
        stream = self.stderr
        if getattr(sys.stderr, "isatty", lambda: False)():
            stream.write("\r" + line, ending="" if done < total else "\n")
        elif done == total or done % max(1000, total // 10 // 1000 * 1000 or 1000) == 0:
            stream.write(line)


def _date(text, option):
    try:
        return datetime.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ExtractError(f"{option} must be a date written YYYY-MM-DD, not {text!r}") from None
