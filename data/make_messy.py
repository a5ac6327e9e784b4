"""Write data/messy.csv: every row spelled out here, good rows mixed with bad ones.

Two rows are Latin-1 inside an otherwise UTF-8 file (the "wrong encoding" rows). What the
importer must report for each bad row is in ``messy-expected.csv``, written by hand.
Run from anywhere: ``.venv/bin/python data/make_messy.py``.
"""

import csv
import io
from pathlib import Path

H = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "company",
    "job_title",
    "tags",
    "notes",
    "favorite",
    "fax",
]
G = "good"
rows = [
    # good rows
    [
        "Ada",
        "Lovelace",
        "ada@example.com",
        "+44 20 7946 0958",
        "Analytical Engines",
        "Mathematician",
        "vip;client",
        "",
        "true",
        "",
    ],
    [
        "Grace",
        "Hopper",
        "grace@example.com",
        "(212) 555-0187",
        "Navy",
        "Admiral",
        "engineering",
        "Compiler pioneer.",
        "",
        "",
    ],
    [
        "Émile",
        "Zola",
        "emile.zola@example.fr",
        "+33 6 12 34 56 78",
        "Éditions Charpentier",
        "Auteur",
        "press",
        "",
        "",
        "",
    ],
    [
        "Jürgen",
        "Müller",
        "juergen@example.de",
        "+49 30 1234567",
        "Müller GmbH",
        "CEO",
        "client",
        "",
        "",
        "",
    ],
    # bad emails
    ["Bad", "Email1", "john.doe@", "(212) 555-0100", "", "", "", "", "", ""],
    ["Bad", "Email2", "no-at-sign.example.com", "", "", "", "", "", "", ""],
    ["Bad", "Email3", "a@b@example.com", "", "", "", "", "", "", ""],
    ["Bad", "Email4", "john doe@example.com", "", "", "", "", "", "", ""],
    ["Bad", "Email5", "John Doe <john@example.com>", "", "", "", "", "", "", ""],
    ["Bad", "Email6", "user@.example.com", "", "", "", "", "", "", ""],
    ["Bad", "Email7", "user@example..com", "", "", "", "", "", "", ""],
    ["Bad", "Email8", "@example.com", "", "", "", "", "", "", ""],
    # missing email
    ["No", "Email1", "", "(212) 555-0101", "", "", "", "", "", ""],
    ["No", "Email2", "   ", "", "", "", "", "", "", ""],
    # oversize email
    ["Long", "Email", ("x" * 250) + "@example.com", "", "", "", "", "", "", ""],
    # empty names
    ["", "Firstless", "firstless@example.com", "", "", "", "", "", "", ""],
    ["Lastless", "", "lastless@example.com", "", "", "", "", "", "", ""],
    ["   ", "Blankfirst", "blankfirst@example.com", "", "", "", "", "", "", ""],
    ["Blanklast", "  ", "blanklast@example.com", "", "", "", "", "", "", ""],
    # good
    [
        "Alan",
        "Turing",
        "alan@example.com",
        "+44 7700 900123",
        "Bletchley Park",
        "Cryptanalyst",
        "",
        "",
        "",
        "",
    ],
    [
        "Katherine",
        "Johnson",
        "katherine@example.com",
        "757-555-0110",
        "NASA",
        "Mathematician",
        "space",
        "",
        "",
        "",
    ],
    # oversize fields
    ["N" * 101, "Long", "longfirst@example.com", "", "", "", "", "", "", ""],
    ["Long", "L" * 150, "longlast@example.com", "", "", "", "", "", "", ""],
    ["Long", "Company", "longcompany@example.com", "", "C" * 201, "", "", "", "", ""],
    ["Long", "Title", "longtitle@example.com", "", "", "T" * 201, "", "", "", ""],
    ["Long", "Tag", "longtag@example.com", "", "", "", "ok;" + "t" * 51, "", "", ""],
    [
        "Many",
        "Tags",
        "manytags@example.com",
        "",
        "",
        "",
        ";".join(f"tag{i}" for i in range(21)),
        "",
        "",
        "",
    ],
    ["Long", "Phone", "longphone@example.com", "1" * 41, "", "", "", "", "", ""],
    # control characters
    ["Bell", "Char", "bell@example.com", "", "Acme\x07 Corp", "", "", "", "", ""],
    ["Null", "Char", "nullchar@example.com", "", "", "Eng\x00ineer", "", "", "", ""],
    ["Esc", "Char", "esc\x1b@example.com", "", "", "", "", "", "", ""],
    # text a spreadsheet would run as a formula: imported as typed, like add() stores it
    [
        '=HYPERLINK("http://evil.example","click")',
        "Formula",
        "formula1@example.com",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    ["Formula", "Two", "formula2@example.com", "", "=1+2", "", "", "", "", ""],
    ["Formula", "Three", "formula3@example.com", "", "", "@SUM(A1:A9)", "", "", "", ""],
    ["Formula", "Four", "formula4@example.com", "", "+cmd|' /C calc'!A0", "", "", "", "", ""],
    ["Formula", "Five", "formula5@example.com", "", "", "", "=cmd", "", "", ""],
    ["-2+3", "Six", "formula6@example.com", "", "", "", "", "", "", ""],
    # good
    ["Hedy", "Lamarr", "hedy@example.com", "+1 310 555 0175", "", "Inventor", "", "", "", ""],
    [
        "Margaret",
        "Hamilton",
        "margaret@example.com",
        "617-555-0199",
        "MIT",
        "Director",
        "engineering;apollo",
        "",
        "",
        "",
    ],
    # same email, different case (duplicates within the file)
    ["Ada", "Lovelace", "ADA@example.com", "", "", "", "", "", "", ""],
    ["Grace", "Hopper", "Grace@Example.com", "", "", "", "", "", "", ""],
    ["Alan", "Turing", "alan@EXAMPLE.COM", "", "", "", "", "", "", ""],
    # exact duplicates
    ["Hedy", "Lamarr", "hedy@example.com", "+1 310 555 0175", "", "Inventor", "", "", "", ""],
    [
        "Katherine",
        "Johnson",
        "katherine@example.com",
        "757-555-0110",
        "NASA",
        "Mathematician",
        "space",
        "",
        "",
        "",
    ],
    # duplicates with surrounding spaces
    [" Margaret ", "Hamilton", "  margaret@example.com ", "", "", "", "", "", "", ""],
    # bad favourite
    ["Fav", "Maybe", "favmaybe@example.com", "", "", "", "", "", "maybe", ""],
    ["Fav", "Two", "favtwo@example.com", "", "", "", "", "", "2", ""],
    # impossible phones (kept with a warning)
    ["Phone", "Short", "phoneshort@example.com", "12", "", "", "", "", "", ""],
    ["Phone", "Words", "phonewords@example.com", "call me", "", "", "", "", "", ""],
    ["Phone", "Long", "phonelong@example.com", "+1 212 555 0100 1234 5678", "", "", "", "", "", ""],
    ["Phone", "Country", "phonecountry@example.com", "+999 1234 5678", "", "", "", "", "", ""],
    ["Phone", "Local", "phonelocal@example.com", "555-0101", "", "", "", "", "", ""],
    # empty tags inside a list
    ["Empty", "Tag", "emptytag@example.com", "", "", "", "vip;;client", "", "", ""],
    # good
    [
        "Dorothy",
        "Vaughan",
        "dorothy@example.com",
        "(757) 555-0111",
        "NASA",
        "Supervisor",
        "space",
        "",
        "",
        "",
    ],
]
# stray and missing cells are written as raw lines below.
stray = [
    'Stray,Cells,stray1@example.com,,"Acme",Inc,,,,,,extra',
    "Stray,Cells2,stray2@example.com,,Acme,Inc,engineer,,,,surplus,more",
]
missing = [
    "Missing,Cells,missing1@example.com",
    "Missing2",
]
# more bad emails and names, to pass 60 bad rows
more = [
    ["Dot", "Start", ".dot@example.com", "", "", "", "", "", "", ""],
    ["Dot", "End", "dot.@example.com", "", "", "", "", "", "", ""],
    ["Two", "Dots", "two..dots@example.com", "", "", "", "", "", "", ""],
    ["Space", "Domain", "user@exa mple.com", "", "", "", "", "", "", ""],
    ["Comma", "Email", "user,name@example.com", "", "", "", "", "", "", ""],
    ["Semicolon", "List", "a@example.com; b@example.com", "", "", "", "", "", "", ""],
    ["Trailing", "Dot", "user@example.com.", "", "", "", "", "", "", ""],
    ["Newline", "Name\nSplit", "newline@example.com", "", "", "", "", "", "", ""],
    ["Tab", "Name", "tab@example.com", "", "Acme\tCorp", "", "", "", "", ""],
    ["Local", "Host", "user@localhost", "", "", "", "", "", "", ""],
    ["Bracket", "Address", "user@[127.0.0.1]", "", "", "", "", "", "", ""],
    ["No", "Tld", "user@example", "", "", "", "", "", "", ""],
]
good_end = [
    [
        "Mary",
        "Jackson",
        "mary@example.com",
        "757-555-0112",
        "NASA",
        "Engineer",
        "space;engineering",
        "",
        "",
        "",
    ],
    [
        "Annie",
        "Easley",
        "annie@example.com",
        "216-555-0113",
        "NASA",
        "Programmer",
        "space",
        "",
        "",
        "",
    ],
]
# nothing to know the contact by: no name, company, email or phone (the rule since issue 13)
no_identity = [
    ["", "", "", "", "", "", "vip", "", "", ""],
    ["", "", "", "", "", "CEO", "", "", "", ""],
    ["", "", "", "", "", "", "", "Met at the fair.", "", ""],
    ["", "", "", "", "", "", "", "", "true", ""],
]
latin1_row = "Fran\xe7ois,Lef\xe8vre,francois@example.fr,,Soci\xe9t\xe9,,,,,\n".encode("latin-1")
latin1_row2 = "Ren\xe9e,Dupont,renee@example.fr,,,,,,,\n".encode("latin-1")
empty_row = b",,,,,,,,,\n"

out = io.BytesIO()


def put(cells):
    b = io.StringIO()
    csv.writer(b, lineterminator="\n").writerow(cells)
    out.write(b.getvalue().encode("utf-8"))


put(H)
for r in rows:
    put(r)
for line in stray:
    out.write((line + "\n").encode())
for line in missing:
    out.write((line + "\n").encode())
out.write(latin1_row)
out.write(latin1_row2)
out.write(empty_row)
for r in more:
    put(r)
for r in good_end:
    put(r)
for r in no_identity:
    put(r)
Path(__file__).with_name("messy.csv").write_bytes(out.getvalue())
