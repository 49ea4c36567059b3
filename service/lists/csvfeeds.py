"""CSV feeds (PhishTank, URLhaus): rows with a `url` column found by name, quoted fields allowed."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from service.lists.canon import BadEntry, canonical_url
from service.lists.formats import MAX_LINE, URL, Raw, Report


def scan_csv(lines: list[str], report: Report) -> Iterator[Raw]:
    """CSV with a `url` column, found by name in the header row or, as URLhaus writes it, in a
    `# id,dateadded,url,...` comment; other `#` lines are comments. Fields may be quoted."""
    columns: list[str] | None = None
    for line in lines:
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        report.header_line(line.rstrip("\r"))
        try:
            fields = next(csv.reader([line.lstrip("#").strip()]), [])
        except csv.Error:  # a comment that is no CSV row (a stray CR in it) names no columns
            continue
        if "url" in [f.strip().lower() for f in fields]:
            columns = [f.strip().lower() for f in fields]
    for number, fields in _csv_rows(lines, report):
        if columns is None:
            columns = [f.strip().lower() for f in fields]
            if "url" not in columns:
                report.error(number, ",".join(fields), "no 'url' column in the CSV header")
                return
            continue
        if len(fields) != len(columns):
            reason = f"{len(fields)} fields, the header has {len(columns)}"
            report.error(number, ",".join(fields), reason)
            continue
        row = dict(zip(columns, fields, strict=True))
        if row.get("verified", "").strip().lower() == "no":
            report.skip("unverified")  # PhishTank: only community-verified phish block
            continue
        try:
            yield canonical_url(row["url"].strip()), URL, number
        except BadEntry as exc:
            report.error(number, row["url"], exc.reason)


def _csv_rows(lines: list[str], report: Report) -> Iterator[tuple[int, list[str]]]:
    def clean() -> Iterator[str]:
        for number, line in enumerate(lines, 1):
            if len(line) > MAX_LINE:
                report.error(number, line, f"line longer than {MAX_LINE} characters")
                yield ""
            else:
                yield "" if line.startswith("#") else line.rstrip("\r")

    reader = csv.reader(clean(), strict=True)
    done = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # the reader resets itself and goes on with the next line
            report.error(done + 1, lines[min(done, len(lines) - 1)], f"bad CSV: {exc}")
        else:
            if fields and any(f.strip() for f in fields):
                yield done + 1, fields
        done = reader.line_num
