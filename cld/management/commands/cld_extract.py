import contextlib
import datetime
import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cld.events import ExtractError, Period
from cld.extract import run_extract, write_csv
from cld.runs import HashingFile, record_command_run


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
        parser.add_argument(
            "--extract-only",
            action="store_true",
            help="write the extract alone, without checking data quality (PostgreSQL writes it with COPY: fastest)",
        )

    def handle(self, *args, **options):
        try:
            period = Period(_date(options["start"], "--start"), _date(options["end"], "--end"))
            release = int(options["release"]) if options["release"].isdigit() else options["release"]
            output = Path(options["output"])
            started = timezone.now()
            if options["extract_only"]:
                rows, files = self._write(output, lambda files: write_csv(period, release, files[0]))
                record_command_run(period, release, output, started, files, rows=rows)
                self.stdout.write(f"Wrote {rows} event rows to {output}.")
                return
            report = dq_path(output)
            summary, files = self._write(
                output,
                report,
                lambda files: run_extract(
                    period, release, csv_file=files[0], dq_file=files[1], progress=self._progress
                ),
            )
            record_command_run(period, release, output, started, files, summary=summary)
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
        for what, count in summary.warning_rows():
            self.stdout.write(f"Warning: {what}: {count} rows.")

    def _write(self, *targets_then_writer):
        """Write the files under temporary names in their folder, then move them into place: never a partial file."""
        *targets, write = targets_then_writer
        temporary = []
        try:
            for target in targets:
                handle, name = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.", suffix=".part")
                os.close(handle)
                temporary.append(Path(name))
            with contextlib.ExitStack() as stack:
                files = [stack.enter_context(HashingFile(path)) for path in temporary]
                result = write(files)
            for path, target in zip(temporary, targets, strict=True):
                os.replace(path, target)
            return result, files
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
