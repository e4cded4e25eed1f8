import csv

import pytest
from django.core.management import CommandError, call_command

LEFT = """id,full_name,birth_date
L1,Олександр Іванович Петренко,1994
L2,Ганна Ковальська,1988-07-01
L3,Тарас Невідомий,1970
"""
RIGHT = """id;family_name;given_name;patronymic;birth_date
R1;ПЕТРЕНКО;АЛЕКСАНДР;ИВАНОВИЧ;12.03.1994
R2;ПЕТРЕНКО;СЕРГЕЙ;ИВАНОВИЧ;12.03.1994
R3;КОВАЛЬСКАЯ;АННА;ПЕТРОВНА;01.07.1988
"""


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_link_writes_the_matches_format(tmp_path):
    left = write(tmp_path / "l.csv", LEFT)
    right = write(tmp_path / "r.csv", RIGHT, "cp1251")
    out = tmp_path / "m.csv"
    call_command("link", left, right, "-o", str(out), "--train", "none", verbosity=0)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == ["left_id", "right_id", "score", "decision", "explanation"]
    decided = {(r["left_id"], r["right_id"]) for r in rows if r["decision"] == "match"}
    assert decided == {("L1", "R1"), ("L2", "R3")}
    assert all(r["left_id"] != "L3" or r["decision"] == "possible" for r in rows)


def test_dedupe_writes_pairs(tmp_path):
    text = RIGHT + "R4;Petrenko;Oleksandr;Ivanovych;1994-03-12\n"
    path = write(tmp_path / "r.csv", text)
    out = tmp_path / "p.csv"
    call_command("dedupe", path, "-o", str(out), "--train", "none", verbosity=0)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {(r["left_id"], r["right_id"]) for r in rows if r["decision"] == "match"} == {
        ("R1", "R4")
    }


@pytest.mark.parametrize(
    "text,message",
    [
        (
            "id,full_name,birth_date\nA,Іван Петренко,1994\nB,Петро Іваненко,31.02.1990\n",
            "line 3: birth_date '31.02.1990': no such day",
        ),
        (
            "id,full_name,birth_date\nA,Іван Петренко,1994\nA,Петро Іваненко,1990\n",
            "line 3: id 'A' repeats line 2",
        ),
        ("id,surname_of_father\nA,x\n", "line 1: unknown column(s): surname_of_father"),
        ("id,full_name,birth_date\nA,,1994\n", "line 2: the row has no name"),
    ],
)
def test_a_bad_file_names_its_line_and_writes_nothing(tmp_path, text, message):
    bad = write(tmp_path / "bad.csv", text)
    good = write(tmp_path / "r.csv", RIGHT)
    out = tmp_path / "m.csv"
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("link", bad, good, "-o", str(out), verbosity=0)
    assert not out.exists()


def test_link_reads_and_writes_parquet_as_a_cluster_job_would(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    left = list(csv.DictReader(LEFT.splitlines()))
    right = list(csv.DictReader(RIGHT.splitlines(), delimiter=";"))
    pq.write_table(pa.Table.from_pylist(left), tmp_path / "l.parquet")
    pq.write_table(pa.Table.from_pylist(right), tmp_path / "r.parquet")
    out = tmp_path / "m.parquet"
    call_command(
        "link",
        str(tmp_path / "l.parquet"),
        str(tmp_path / "r.parquet"),
        "-o",
        str(out),
        "--train",
        "none",
        verbosity=0,
    )
    rows = pq.read_table(out).to_pylist()
    assert list(rows[0]) == ["left_id", "right_id", "score", "decision", "explanation"]
    assert {(r["left_id"], r["right_id"]) for r in rows if r["decision"] == "match"} == {
        ("L1", "R1"),
        ("L2", "R3"),
    }


def test_a_parquet_list_without_a_name_column_is_refused_naming_the_header(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": ["1"], "birth_date": ["1990"]}), tmp_path / "l.parquet")
    with pytest.raises(CommandError, match="line 1.*family_name or a full_name"):
        call_command(
            "link",
            str(tmp_path / "l.parquet"),
            str(tmp_path / "l.parquet"),
            "-o",
            str(tmp_path / "m.csv"),
            verbosity=0,
        )
