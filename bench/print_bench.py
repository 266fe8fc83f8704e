"""Time printing a 300-question form to Word, no database needed: `python bench/print_bench.py [questions] [runs]`."""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredirector.settings_test")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from cases.models import Case, Person  # noqa: E402
from forms_engine.models import Form, FormType, FormTypeVersion  # noqa: E402
from forms_engine.printing import build_docx  # noqa: E402


def sample_form(questions):
    sections = []
    answers = {}
    for number in range(questions):
        if number % 30 == 0:
            sections.append(
                {
                    "id": len(sections) + 1,
                    "title": f"Section {len(sections) + 1}",
                    "office_use_only": False,
                    "left_out_of_print": False,
                    "questions": [],
                }
            )
        kind = ["short_text", "long_text", "date", "yes_no"][number % 4]
        sections[-1]["questions"].append(
            {
                "id": number,
                "label": f"Question {number}: what matters here?",
                "help_text": "",
                "kind": kind,
                "choices": [],
                "required": False,
            }
        )
        answers[str(number)] = {"date": "2026-11-02", "yes_no": "Yes"}.get(kind, "An answer of a few words. " * 8)
    user = User(username="bench", first_name="Bench", last_name="Mark")
    form_type = FormType(name="Benchmark Form")
    person = Person(given_name="Ada", family_name="Lovelace", nhs_number="9434765919")
    form = Form(
        pk=1,
        case=Case(case_number="CAS-000001", person=person),
        form_type=form_type,
        responsible_user=user,
        version=FormTypeVersion(number=1, definition={"name": "Benchmark Form", "sections": sections}),
        answers=answers,
        created_by=user,
    )
    return form, [section["id"] for section in sections], user


def main(questions=300, runs=10):
    form, section_ids, user = sample_form(questions)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        content = build_docx(form, section_ids=section_ids, cld_rows=[], printed_by=user, printed_at=timezone.now())
        timings.append((time.perf_counter() - start) * 1000)
    print(
        f"print to .docx, {questions} questions, {runs} runs: median {statistics.median(timings):.0f} ms, "
        f"min {min(timings):.0f} ms, max {max(timings):.0f} ms, {len(content) // 1024} KiB"
    )


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
