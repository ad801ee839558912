"""Importing survey responses: every cell checked, all or nothing, the same file twice changes
nothing, counts added, feedback kept, postcodes never stored."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from tendercare.core.errors import NotAllowed
from tendercare.core.models import AuditLog
from tendercare.engagement import queries, services
from tendercare.engagement.models import FeedbackItem, Participation, SurveyImport

from .test_activity_support import make_activity, make_geography

HEADER = "age,sex,ethnic_group,disability,carer,postcode,taking_part_as,feedback"
GOOD = "\n".join(
    [
        HEADER,
        '72,F,White,yes,no,ME1 1AA,public,"Visits are too short, please"',
        "34,male,Asian,no,yes,me4 4tr,professional,",
        ",,,,,,,",  # a blank line is skipped
        "65+,prefer not to say,,,,ZZ9 9ZZ,patient,Carers need a named contact",
        ",,,,,,public,",
    ]
)


@pytest.fixture
def activity(council, commissioner):
    make_geography()
    return make_activity(council, commissioner, channel="digital", title="Home care survey")


def _import(activity, text, by, filename="survey.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return services.survey_import(
        activity=activity, file=io.BytesIO(data), filename=filename, by=by
    )


def test_a_good_file_adds_counts_and_feedback(activity, commissioner):
    result = _import(activity, GOOD, commissioner)
    assert result.ok, result.errors
    assert result.created == 4
    recorded = queries.participation_recorded(activity)
    assert recorded["age_band"] == {"65_plus": 2, "25_34": 1, "not_provided": 1}
    assert recorded["sex"] == {"female": 1, "male": 1, "not_provided": 2}
    assert recorded["deprivation_quintile"] == {"1": 1, "5": 1, "not_provided": 2}
    assert recorded["participant_type"] == {"public": 3, "professional": 1}
    assert {sum(g.values()) for g in recorded.values()} == {4}
    assert len(recorded) == 7
    texts = sorted(FeedbackItem.objects.filter(activity=activity).values_list("text", flat=True))
    assert texts == ["Carers need a named contact", "Visits are too short, please"]
    record = SurveyImport.objects.get(activity=activity)
    assert record.status == SurveyImport.Status.DONE and record.rows == 4
    assert FeedbackItem.objects.filter(survey_import=record).count() == 2
    assert any("1 postcodes are not in the loaded postcode directory" in n for n in result.notes)
    assert AuditLog.objects.filter(object_type="engagement.surveyimport").count() == 1


def test_no_postcode_is_stored_anywhere(activity, commissioner):
    _import(activity, GOOD, commissioner)
    stored = [
        str(v)
        for model in (Participation, SurveyImport, FeedbackItem)
        for row in model.objects.values()
        for v in row.values()
    ]
    stored += [str(row) for row in AuditLog.objects.values_list("before", "after", "summary")]
    assert not any("ME1" in s.upper().replace(" ", "") or "ME44TR" in s.upper() for s in stored)


def test_the_same_file_again_changes_nothing(activity, commissioner):
    _import(activity, GOOD, commissioner)
    before = list(Participation.objects.filter(activity=activity).values_list("group", "count"))
    again = _import(activity, GOOD, commissioner, filename="renamed.csv")
    assert again.ok and again.created == 0
    assert "already imported" in again.notes[0]
    assert (
        list(Participation.objects.filter(activity=activity).values_list("group", "count"))
        == before
    )
    assert FeedbackItem.objects.count() == 2
    assert SurveyImport.objects.count() == 1


def test_a_second_file_adds_to_the_counts(activity, commissioner):
    _import(activity, GOOD, commissioner)
    _import(activity, HEADER + "\n80,female,Black,yes,yes,ME1 1AA,public,\n", commissioner)
    recorded = queries.participation_recorded(activity)
    assert recorded["age_band"]["65_plus"] == 3
    assert recorded["ethnic_group"]["black"] == 1
    assert queries.participation_table(activity)[0] == 5


def test_one_bad_cell_writes_nothing_and_names_row_and_column(activity, commissioner):
    bad = GOOD + "\n130,female,Martian,maybe,no,ME1,public,\n"
    result = _import(activity, bad, commissioner)
    assert not result.ok
    found = {(e.row, e.column) for e in result.errors}
    assert found == {(7, "age"), (7, "ethnic_group"), (7, "disability"), (7, "postcode")}
    assert not Participation.objects.exists()
    assert not FeedbackItem.objects.exists()
    failed = SurveyImport.objects.get()
    assert failed.status == SurveyImport.Status.FAILED and failed.error_count == 4
    assert failed.errors[0][:2] == [7, "age"]


@pytest.mark.parametrize(
    "content,fragment",
    [
        (b"", "empty"),
        (b"age,sex\n1,f\n", "Missing columns"),
        ((HEADER + ",shoe\n").encode(), "Unknown column"),
        (HEADER.encode() + b"\n", "no rows"),
        (b"\xff\xfe\x00garbage", "UTF-8"),
    ],
)
def test_files_that_cannot_be_read_say_why(activity, commissioner, content, fragment):
    result = _import(activity, content, commissioner)
    assert not result.ok
    assert fragment in " ".join(e.message for e in result.errors)
    assert not Participation.objects.exists()


def test_xlsx_works_the_same(activity, commissioner):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append([72, "F", "White", "yes", "no", "ME1 1AA", "public", None])
    sheet.append([19, "M", "Mixed", "no", "no", None, "public", "More evening slots"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = _import(activity, buffer.getvalue(), commissioner, filename="survey.xlsx")
    assert result.ok, result.errors
    assert queries.participation_recorded(activity)["age_band"] == {"65_plus": 1, "16_24": 1}


def test_a_councillor_cannot_import(activity, councillor):
    with pytest.raises(NotAllowed):
        _import(activity, GOOD, councillor)


def test_the_command(activity, tmp_path, capsys):
    path = tmp_path / "survey.csv"
    path.write_text(GOOD)
    call_command("import_survey", str(path), activity=activity.pk)
    assert "4 rows read" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\nold,,,,,,,\n")
    with pytest.raises(CommandError, match="nothing was saved"):
        call_command("import_survey", str(bad), activity=activity.pk)
