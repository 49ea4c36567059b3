"""Every list format, the manifest and the writer: case tables, then round trips and properties."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fuzzing import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from service.core import urls
from service.core.errors import InvalidURL, ListError
from service.lists.canon import BadEntry, canonical_host, canonical_url, url_key
from service.lists.entries import FORMATS, Entry, parse_list, parse_manifest, write_list

H, U = "host", "url"


def values(text: str | bytes, fmt: str) -> list[tuple[str, str, int, bool]]:
    return [(e.value, e.kind, e.line, e.exception) for e in parse_list(text, fmt).entries]


def error_lines(text: str | bytes, fmt: str) -> list[int]:
    return [e.line for e in parse_list(text, fmt).errors]


# (format, input, expected entries as (value, kind, line, exception), expected error lines)
CASES = [
    # domains: comments, blanks, case, trailing dot, wildcard, inline comments, IDN, IPs
    ("domains", "evil.com\n", [("evil.com", H, 1, False)], []),
    ("domains", "# c\n\nEVIL.Com.\n", [("evil.com", H, 3, False)], []),
    (
        "domains",
        "*.evil.com\nb.evil.com # why\n",
        [("evil.com", H, 1, False), ("b.evil.com", H, 2, False)],
        [],
    ),
    (
        "domains",
        "ví-dụ.vn\n1.2.3.4\n",
        [("xn--v-d-rma6749a.vn", H, 1, False), ("1.2.3.4", H, 2, False)],
        [],
    ),
    (
        "domains",
        "a.com\nbad host\nhttp://x.com/\n||y.com^\n0.0.0.0 z.com\nc.com\n",
        [("a.com", H, 1, False), ("c.com", H, 6, False)],
        [2, 3, 4, 5],
    ),
    ("domains", "a.com\r\nb.com\r\n", [("a.com", H, 1, False), ("b.com", H, 2, False)], []),
    # hosts: sinks, several names per line, the localhost preamble, inline comments
    (
        "hosts",
        "127.0.0.1 localhost\n::1 ip6-localhost ip6-loopback\n"
        "255.255.255.255 broadcasthost\n0.0.0.0 0.0.0.0\n",
        [],
        [],
    ),
    (
        "hosts",
        "0.0.0.0 a.com b.com # both\n127.0.0.1 c.com\n:: d.com\n",
        [
            ("a.com", H, 1, False),
            ("b.com", H, 1, False),
            ("c.com", H, 2, False),
            ("d.com", H, 3, False),
        ],
        [],
    ),
    (
        "hosts",
        "192.168.1.1 router.lan\nlonely.com\n0.0.0.0\n0.0.0.0 ok.com bad/name\n",
        [("ok.com", H, 4, False)],
        [1, 2, 3, 4],
    ),
    # adblock: host rules, options, exceptions, URL rules; the rest is unsupported, not an error
    (
        "adblock",
        "[Adblock Plus 2.0]\n! Title: T\n||a.com^\n||b.com^$important\n@@||c.com^\n",
        [("a.com", H, 3, False), ("b.com", H, 4, False), ("c.com", H, 5, True)],
        [],
    ),
    (
        "adblock",
        "||a.com\n||b.com^|\n@@||c.com^$document\n",
        [("a.com", H, 1, False), ("b.com", H, 2, False), ("c.com", H, 3, True)],
        [],
    ),
    (
        "adblock",
        "||d.com/dir/\n||e.com/p.html|\n",
        [("d.com/dir/", U, 1, False), ("e.com/p.html", U, 2, False)],
        [],
    ),
    (
        "adblock",
        "##.ad\nx.com##.ad\n/ads?/\n||a.com^$script\n||b.com/x\n||*.c.com^\nads\n"
        "|http://d.com\n# comment\n",
        [],
        [],
    ),
    ("adblock", "||^\n||bad host^\n", [], [1, 2]),
    # urls: OpenPhish lines, canonicalization, bare hosts, bad schemes
    (
        "urls",
        "https://evil.com/login/index.php?id=1\n",
        [("evil.com/login/index.php?id=1", U, 1, False)],
        [],
    ),
    (
        "urls",
        "HTTP://EVIL.com:8080/a/./b/../c\nhttp://a.b/?\n",
        [("evil.com/a/c", U, 1, False), ("a.b/", U, 2, False)],
        [],
    ),
    (
        "urls",
        "evil.com\nevil.com/x\n# c\n",
        [("evil.com", H, 1, False), ("evil.com/x", U, 2, False)],
        [],
    ),
    ("urls", "ftp://x.com/\nhttp://\nhttp://ok.com/\n", [("ok.com/", U, 3, False)], [1, 2]),
    # PhishTank CSV: header-driven, quoted fields with commas, unverified rows skipped
    (
        "phishtank-csv",
        "phish_id,url,phish_detail_url,submission_time,verified,verification_time,online,target\n"
        '1,"http://evil.com/a,b",http://pt/1,t,yes,t,yes,Bank\n'
        "2,http://ok.com/,http://pt/2,t,no,t,yes,Other\n",
        [("evil.com/a,b", U, 2, False)],
        [],
    ),
    ("phishtank-csv", "target,url\nX,http://a.com/\nY\n", [("a.com/", U, 2, False)], [3]),
    ("phishtank-csv", "phish_id,link\n1,http://a.com/\n", [], [1]),
    # URLhaus CSV: comment block, header in a comment, quoted tags with commas
    (
        "urlhaus-csv",
        "#####\n# abuse.ch URLhaus Database Dump #\n# Last updated: 2026-11-28 10:00:00 UTC #\n"
        "#\n# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n"
        '"1","2026-11-28 09:00:00","http://1.2.3.4:8080/i","online","","malware_download",'
        '"elf,mips","https://urlhaus.abuse.ch/url/1/","x"\n'
        '"2","2026-11-28 09:00:01","https://bad.example/x.exe","offline","","malware_download",'
        '"","https://urlhaus.abuse.ch/url/2/","y"\n',
        [("1.2.3.4/i", U, 6, False), ("bad.example/x.exe", U, 7, False)],
        [],
    ),
    (
        "urlhaus-csv",
        '# id,dateadded,url\n"1","d","http://a.com/"\n"2","d"\n"3","d","ftp://x.com/"\n'
        '"4","d","http://b.com/"x\n"5","d","http://c.com/"\n',
        [("a.com/", U, 2, False), ("c.com/", U, 6, False)],
        [3, 4, 5],
    ),
]


@pytest.mark.parametrize(("fmt", "text", "entries", "errors"), CASES)
def test_format_cases(
    fmt: str, text: str, entries: list[tuple[str, str, int, bool]], errors: list[int]
) -> None:
    assert values(text, fmt) == entries
    assert error_lines(text, fmt) == errors


@pytest.mark.parametrize(
    ("data", "fmt", "entries", "errors"),
    [
        (b"\xef\xbb\xbfa.com\nb.com\n", "domains", ["a.com", "b.com"], []),
        ("\ufeffa.com\n", "domains", ["a.com"], []),
        (b"a.com\n\xff\xfebad.com\nc.com\n", "domains", ["a.com", "c.com"], [2]),
        (b"\xef\xbb\xbf\xc3(\nc.com\n", "domains", ["c.com"], [1]),
        (b"0.0.0.0 a.com\r\n0.0.0.0 b\xe0.com\r\n", "hosts", ["a.com"], [2]),
        (b'\xef\xbb\xbfurl\r\n"http://a.com/x,y"\r\n', "phishtank-csv", ["a.com/x,y"], []),
    ],
)
def test_bytes_bom_crlf_and_invalid_utf8(
    data: bytes | str, fmt: str, entries: list[str], errors: list[int]
) -> None:
    parsed = parse_list(data, fmt)
    assert [e.value for e in parsed.entries] == entries
    assert [e.line for e in parsed.errors] == errors


def test_invalid_utf8_is_reported_printably() -> None:
    (error,) = parse_list(b"ok.com\nbad\xff\x1b[31m.com\n", "domains").errors
    assert error.line == 2 and "UTF-8" in error.reason
    assert "\x1b" not in error.text and "\\xff" in error.text


def test_error_text_is_cut_and_escaped() -> None:
    (error,) = parse_list("a" * 500 + " \x07b\n", "domains").errors
    assert len(error.text) <= 201 and "\x07" not in error.text


def test_adblock_header_and_unsupported_counts() -> None:
    text = (
        "[Adblock Plus 2.0]\n! Title: Test list\n! Expires: 4 days (update frequency)\n"
        "! Last modified: 28 Nov 2026\n! just a comment\n||a.com^\n! Title: not a header\n"
        "##.banner\nexample.com#@#.ad\n/regex/\n||b.com^$third-party\n||c.com/path\n"
    )
    parsed = parse_list(text, "adblock")
    assert dict(parsed.header) == {
        "format": "Adblock Plus 2.0",
        "title": "Test list",
        "expires": "4 days (update frequency)",
        "last modified": "28 Nov 2026",
    }
    assert dict(parsed.unsupported) == {"cosmetic": 2, "regex": 1, "options": 1, "path": 1}
    assert parsed.errors == ()


def test_hosts_and_urlhaus_header_comments() -> None:
    hosts = parse_list(
        "# Title: StevenBlack/hosts\n# Date: 28 November 2026\n0.0.0.0 a.com\n", "hosts"
    )
    assert hosts.header["title"] == "StevenBlack/hosts"
    urlhaus = parse_list("# Last updated: 2026-11-28 10:00:00 UTC    #\n# id,url\n", "urlhaus-csv")
    assert urlhaus.header["last updated"] == "2026-11-28 10:00:00 UTC"


def test_unknown_format_is_a_list_error() -> None:
    with pytest.raises(ListError, match="unknown list format 'json'"):
        parse_list("a.com", "json")


def test_long_line_is_an_error_not_a_hang() -> None:
    parsed = parse_list("http://a.com/" + "x" * 20_000 + "\nhttp://b.com/\n", "urls")
    assert [e.value for e in parsed.entries] == ["b.com/"]
    assert [e.line for e in parsed.errors] == [1]


# --- the fast path and urls.parse agree ----------------------------------------------------

LABEL = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
HOST = st.builds(".".join, st.lists(LABEL, min_size=1, max_size=4)).map(lambda h: h + ".com")
SEGMENT = st.text("abcXYZ019-._~!$&'()*+,;=:@%#/? ", max_size=8)


@settings(max_examples=examples(300), deadline=None)
@given(host=HOST, path=st.lists(SEGMENT, max_size=4), query=st.none() | SEGMENT)
def test_fast_path_agrees_with_urls_parse(host: str, path: list[str], query: str | None) -> None:
    assert canonical_host(host) == urls.parse(f"http://{host}/").host
    url = f"http://{host}/{'/'.join(path)}" + ("" if query is None else f"?{query}")
    assert canonical_url(url) == url_key(urls.parse(url))


@pytest.mark.parametrize(
    "host", ["EVIL.com", "evil.com.", "a..b.com", "0x7f.1", "1.2.3.4", "xn--fcebook-8va.com",
             "ví-dụ.vn", "ab--cd.com", "foo_bar.com", "[::1]"],
)  # fmt: skip
def test_slow_path_hosts_match_urls_parse(host: str) -> None:
    assert canonical_host(host) == urls.parse(f"http://{host}/").host


@settings(max_examples=examples(300), deadline=None)
@given(parts=st.lists(st.integers(0, 300) | st.sampled_from(["00", "01", "007", "0x1f", "256"]),
                      min_size=1, max_size=5))
def test_ipv4_fast_path_agrees_with_urls_parse(parts: list[int | str]) -> None:
    """Dotted quads (malware feeds list thousands) skip urls.parse; every other spelling of a
    number (leading zeros, hex, fewer parts, out of range) still goes through it."""
    host = ".".join(map(str, parts))
    try:
        expected = urls.parse(f"http://{host}/").host
    except InvalidURL:
        with pytest.raises(BadEntry):
            canonical_host(host)
        return
    assert canonical_host(host) == expected


# --- writer ----------------------------------------------------------------------------------

ENTRIES = [Entry("a.com"), Entry("b.a.com"), Entry("xn--v-d-rma6749a.vn")]
URL_ENTRIES = [Entry("c.com/dir/", "url"), Entry("d.com/p.html?x=1", "url")]


@pytest.mark.parametrize(
    ("fmt", "entries", "first_line"),
    [
        ("domains", ENTRIES, "a.com"),
        ("hosts", ENTRIES, "0.0.0.0 a.com"),
        ("adblock", [*ENTRIES, *URL_ENTRIES, Entry("ok.a.com", exception=True)], "||a.com^"),
        ("urls", [*ENTRIES, *URL_ENTRIES], "a.com"),
    ],
)
def test_write_then_parse_round_trips(fmt: str, entries: list[Entry], first_line: str) -> None:
    text = write_list(entries, fmt, header=["Title: round trip"])
    assert first_line in text.splitlines()
    parsed = parse_list(text, fmt)
    assert [(e.value, e.kind, e.exception) for e in parsed.entries] == [
        (e.value, e.kind, e.exception) for e in entries
    ]
    assert parsed.errors == () and parsed.header["title"] == "round trip"


def test_write_canonicalizes_strings_and_drops_duplicates() -> None:
    assert write_list(["EVIL.com", "evil.com.", "b.com"], "domains") == "evil.com\nb.com\n"
    assert write_list(["http://x.com/a/../b"], "urls") == "http://x.com/b\n"


@pytest.mark.parametrize(
    ("items", "fmt", "message"),
    [
        ([Entry("c.com/x", "url")], "domains", "hosts only"),
        ([Entry("c.com/x", "url")], "hosts", "hosts only"),
        ([Entry("a.com", exception=True)], "urls", "exception"),
        ([Entry("c.com/a*b", "url")], "adblock", "cannot hold"),
        (["not a host"], "domains", "not a host"),
        (["a.com"], "urlhaus-csv", "cannot write"),
    ],
)
def test_write_refuses_what_a_format_cannot_hold(
    items: list[Entry | str], fmt: str, message: str
) -> None:
    with pytest.raises(ListError, match=message):
        write_list(items, fmt)


# --- manifest ------------------------------------------------------------------------------

GOOD = """
[[list]]
name = "x"
file = "local/x.txt"
format = "domains"
category = "phishing"
action = "block"
license = "CC0-1.0"
"""


def test_manifest_minimal_and_defaults() -> None:
    manifest = parse_manifest(GOOD + '[reference.shorteners]\nfile = "r.txt"\nlicense = "MIT"\n')
    (spec,) = manifest.lists
    assert (spec.name, spec.file, spec.enabled, spec.source, spec.description) == (
        "x", "local/x.txt", True, None, "",
    )  # fmt: skip
    assert manifest.reference["shorteners"].file == "r.txt"
    assert manifest.get("x") is spec and manifest.get("y") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[list]\n", "not valid TOML"),
        ("[lists]\n", "unknown top-level key"),
        (GOOD.replace('format = "domains"', 'format = "json"'), "unknown format 'json'"),
        (GOOD.replace('"phishing"', '"spam"'), "unknown category 'spam'"),
        (GOOD.replace('"block"', '"deny"'), "unknown action 'deny'"),
        (GOOD.replace('"phishing"', '"allow"'), "category 'allow' needs action 'allow'"),
        (GOOD.replace('action = "block"', 'action = "allow"'), "needs action 'block'"),
        (GOOD + GOOD, "list 'x': the name is used twice"),
        (GOOD.replace('license = "CC0-1.0"\n', ""), "list 'x': missing license"),
        (GOOD.replace('name = "x"\n', ""), "list #1: missing name"),
        (GOOD + 'fromat = "hosts"\n', "unknown key(s) fromat"),
        (GOOD.replace('"local/x.txt"', '"/etc/passwd"'), "relative path inside"),
        (GOOD.replace('"local/x.txt"', '"../x.txt"'), "relative path inside"),
        (GOOD.replace('"local/x.txt"', '"a/../../x.txt"'), "relative path inside"),
        (GOOD.replace('"local/x.txt"', '"C:\\\\x.txt"'), "relative path inside"),
        (GOOD.replace('name = "x"', 'name = "X Y"'), "name must be"),
        (GOOD + "enabled = 1\n", "enabled must be true or false"),
        (GOOD + "max_shrink = 2\n", "max_shrink"),
        (GOOD + "min_entries = -1\n", "min_entries"),
        ('[reference.shorteners]\nfile = "../r.txt"\nlicense = "x"\n', "reference 'shorteners'"),
        ('[reference.shorteners]\nlicense = "x"\n', "reference 'shorteners': missing file"),
        ("list = 3\n", "array of tables"),
    ],
)
def test_manifest_errors_name_the_list_and_the_fix(text: str, message: str) -> None:
    with pytest.raises(ListError) as info:
        parse_manifest(text)
    assert message in info.value.message


# --- the examples in docs/lists.md ---------------------------------------------------------

DOCS = Path(__file__).resolve().parent.parent / "docs" / "lists.md"


def test_every_format_example_in_the_docs_parses_cleanly() -> None:
    examples = re.findall(r"\*\*`([a-z-]+)`\*\*.*?```\n(.*?)```", DOCS.read_text(), re.S)
    assert sorted(fmt for fmt, _ in examples) == sorted(FORMATS)
    for fmt, text in examples:
        parsed = parse_list(text, fmt)
        assert parsed.entries and parsed.errors == () and not parsed.unsupported, fmt


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("# a: x" + " #" * 20_000 + "\nok.com\n", "domains"),  # was quadratic in the header regex
        ("a." * 50_000 + "!\nok.com\n", "domains"),
        ("0.0.0.0 " + "x" * 100_000 + "\n0.0.0.0 ok.com\n", "hosts"),
        ("||" + "a." * 50_000 + "^\n||ok.com^\n", "adblock"),
        ("#" * 100_000 + "\n||ok.com^\n", "adblock"),
        ("http://" + "a." * 5_000 + "com/" + "a/" * 3_000 + "\nok.com\n", "urls"),
        ('url\n"' + "x" * 200_000 + "\nhttp://ok.com/\n", "phishtank-csv"),
    ],
)
def test_hostile_lines_are_refused_quickly_and_the_rest_loads(text: str, fmt: str) -> None:
    parsed = parse_list(text, fmt)
    assert [e.value.rstrip("/") for e in parsed.entries] == ["ok.com"]


def test_write_gives_exactly_the_format_s_lines() -> None:
    adblock = write_list(["a.com", "c.com/dir/", "d.com/p?x=1", Entry("ok.a.com", exception=True)],
                         "adblock", header=["Title: t", ""])
    assert adblock == ("[Adblock Plus 2.0]\n! Title: t\n!\n"
                       "||a.com^\n||c.com/dir/\n||d.com/p?x=1|\n@@||ok.a.com^\n")
    assert write_list(["a.com"], "hosts", header=["x"]) == "# x\n0.0.0.0 a.com\n"
    assert write_list(["a.com", "a.com/x", "a.com?q=1"], "urls") == (
        "a.com\nhttp://a.com/x\nhttp://a.com/?q=1\n")
    assert write_list([Entry("c.com/X", "url")], "adblock") == "[Adblock Plus 2.0]\n||c.com/X|\n"
    assert write_list([], "domains") == ""
    # the same entry read from two lines of a file is one line of output
    assert write_list([Entry("a.com", line=3), Entry("a.com", line=9)], "domains") == "a.com\n"


def test_write_reads_a_string_with_a_path_or_query_as_a_url() -> None:
    for url in ("a.com/x", "a.com?q=1"):
        with pytest.raises(ListError, match="hosts only"):
            write_list([url], "domains")
    with pytest.raises(ListError, match="writable: domains, hosts, adblock, urls"):
        write_list(["a.com"], "csv")


def test_an_index_lists_each_list_s_entries_and_counts_its_keys() -> None:
    from service.lists.index import IndexBuilder
    from service.lists.manifest import ListSpec

    builder = IndexBuilder()
    builder.add_list(ListSpec(name="a", file="a.txt", format="adblock", category="phishing",
                              action="block"),
                     [Entry("a.com", line=4), Entry("b.com/x", "url", 5),
                      Entry("ok.a.com", exception=True)])
    builder.add_list(ListSpec(name="b", file="b.txt", format="domains", category="phishing",
                              action="block"), [Entry("c.com"), Entry("a.com")])
    index = builder.build()
    assert len(index) == 4  # a.com, ok.a.com, c.com and one URL key
    assert sorted(index.entries("a"), key=lambda e: e.value) == [
        Entry("a.com"), Entry("b.com/x", "url"), Entry("ok.a.com", exception=True)]
    assert sorted(e.value for e in index.entries("b")) == ["a.com", "c.com"]
    assert list(index.entries("none")) == []


def _everything(text: str, fmt: str) -> tuple[list[tuple[str, int]], list[tuple[int, str, str]],
                                              dict[str, str], dict[str, int]]:
    parsed = parse_list(text, fmt)
    return ([(e.value, e.line) for e in parsed.entries],
            [(e.line, e.text[:40], e.reason) for e in parsed.errors],
            dict(parsed.header), dict(parsed.unsupported))


def test_csv_feeds_name_each_bad_row_by_line_text_and_reason() -> None:
    from service.lists.formats import MAX_LINE

    long_row = "V,http://" + "d" * MAX_LINE + ".com/,yes"
    text = ("target,url,verified\nX,http://a.com/,yes\nY\nZ,http://b.com/,no\n"
            f"W,ftp://c.com/,yes\n{long_row}\nU,http://e.com/,yes\n")
    assert _everything(text, "phishtank-csv") == (
        [("a.com/", 2), ("e.com/", 7)],
        [(3, "Y", "1 fields, the header has 3"),
         (5, "ftp://c.com/", "'ftp:' links cannot be checked; only http and https"),
         (6, long_row[:40], f"line longer than {MAX_LINE} characters")],
        {}, {"unverified": 1})
    assert _everything("phish_id,link\r\n1,http://a.com/\r\n", "phishtank-csv") == (
        [], [(1, "phish_id,link", "no 'url' column in the CSV header")], {}, {})
    fits = "url\nhttp://a.com/" + "x" * (MAX_LINE - len("http://a.com/")) + "\n"
    assert len(_everything(fits, "phishtank-csv")[0]) == 1  # a line of exactly MAX_LINE is read


def test_urlhaus_csv_header_comments_and_bad_quoting() -> None:
    text = ('\n# Title: Feed X\r\n#url,id\n"http://a.com/","1"\n"http://b.com/"x,"2"\n'
            '"http://c.com/","3"\n')
    assert _everything(text, "urlhaus-csv") == (
        [("a.com/", 4), ("c.com/", 6)],
        [(5, '"http://b.com/"x,"2"', "bad CSV: ',' expected after '\"'")],
        {"title": "Feed X"}, {})
    # a comment that is no CSV row (a stray CR) names no columns, and the next one still can
    assert _everything("# a\rb\n# id,url\n1,http://a.com/\n", "urlhaus-csv") == (
        [("a.com/", 3)], [], {}, {})
    assert _everything("#  ID , URL \n1,http://a.com/\n", "urlhaus-csv")[0] == [("a.com/", 2)]


def test_a_line_of_another_format_is_named_with_the_format_to_use() -> None:
    text = ("http://a.com/x\n||a.com^\n@@||b.com^\n0.0.0.0 a.com\n127.0.0.1 a.com\na.com b.com\n"
            "bad_host!\n")
    assert [(e.line, e.text, e.reason) for e in parse_list(text, "domains").errors] == [
        (1, "http://a.com/x", "looks like a URL; URLs go in a list with format 'urls'"),
        (2, "||a.com^", "looks like an adblock rule; use format 'adblock'"),
        (3, "@@||b.com^", "looks like an adblock rule; use format 'adblock'"),
        (4, "0.0.0.0 a.com", "looks like a hosts-file line; use format 'hosts'"),
        (5, "127.0.0.1 a.com", "looks like a hosts-file line; use format 'hosts'"),
        (6, "a.com b.com", "expected one host per line"),
        (7, "bad_host!", "host 'bad_host!' has characters a domain name cannot contain"),
    ]


def test_bad_utf8_is_shown_escaped_and_only_the_first_line_loses_a_bom() -> None:
    parsed = parse_list(b"\xef\xbb\xbfa.com\n\xef\xbb\xbfb.com\n\xff.com\n", "domains")
    assert [(e.value, e.line) for e in parsed.entries] == [("a.com", 1), ("b.com", 2)]
    assert [(e.line, e.text, e.reason) for e in parsed.errors] == [
        (3, "\\xff.com", "not valid UTF-8 (the bad bytes are shown as \\x..)")]
    urls_list = parse_list(b"\xef\xbb\xbfhttp://a.com/\n\xef\xbb\xbfhttp://b.com/\n", "urls")
    assert [e.value for e in urls_list.entries] == ["a.com/"]
    assert [e.line for e in urls_list.errors] == [2]  # a BOM inside the file is no part of a URL


def test_adblock_lines_each_land_where_they_belong() -> None:
    text = ("[Adblock Plus 2.0]\n#\n#comment\n# c2\n! x\n[not header]\n||a.com^\n"
            "||b.com^$third-party\n||c.com^$popup\n||d.com/dir/\n||e.com/p.html|\n||f.com/x*y\n"
            "||g.com*\n|http://h.com/\nplain\n||bad_h!^\n")
    parsed = parse_list(text, "adblock")
    assert [(e.value, e.kind, e.line) for e in parsed.entries] == [
        ("a.com", "host", 7), ("c.com", "host", 9), ("d.com/dir/", "url", 10),
        ("e.com/p.html", "url", 11)]
    assert [(e.line, e.text, e.reason) for e in parsed.errors] == [
        (16, "||bad_h!^", "host 'bad_h!' has characters a domain name cannot contain")]
    assert dict(parsed.unsupported) == {"pattern": 4, "options": 1, "path": 1, "wildcard": 1}


@pytest.mark.parametrize(("token", "expression"), [
    ("http://a.com", "a.com/"),
    ("http://a.com?x=1", "a.com/?x=1"),
    ("http://a.com/a/./b", "a.com/a/b"),
    ("http://a.com/a/.", "a.com/a/"),
    ("http://a.com/a/b/..", "a.com/a/"),
    ("http://a.com/a/../b", "a.com/b"),
    ("http://a.com//x", "a.com/x"),
    ("http://" + "a" * 63 + "." + "b" * 63 + "." + "c" * 63 + "." + "d" * 57 + ".com/",
     "a" * 63 + "." + "b" * 63 + "." + "c" * 63 + "." + "d" * 57 + ".com/"),  # 253 characters
])
def test_list_url_expressions_fast_path_or_not(token: str, expression: str) -> None:
    from service.lists.canon import canonical_url

    assert canonical_url(token) == expression


def test_a_report_counts_every_error_and_keeps_the_first_few() -> None:
    from service.lists.formats import Report, printable

    report = Report(keep=2)
    for number in range(1, 5):
        report.error(number, f"line {number}", "bad")
    assert report.error_count == 4 and [e.line for e in report.errors] == [1, 2]
    assert printable("a\x00b\u200bc\td") == "a\\x00b\\u200bc\\td"
    assert printable("x" * 200) == "x" * 200 and printable("x" * 201) == "x" * 200 + "…"
    assert printable("\x1b[31m" + "y" * 300, limit=3) == "\\x1b[3…"
