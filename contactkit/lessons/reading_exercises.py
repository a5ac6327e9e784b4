"""The exercises of lessons 06-08 and 11, reading the data: a search, a load, a chart, a clean-up.

Same conventions as :mod:`contactkit.lessons.exercises` (which registers them)::

    exercises.check("06-ex1", find_by_word_prefix, setup.table)  # a Query of the token index
    exercises.check("07-ex1", load_companies, setup.table)       # Query the orgs, not Scan them
    exercises.check("08-ex1", plot_email_domains)                # a chart, checked on its bars
    exercises.check("11-ex1", to_complete)                       # on the shipped sample

The checkers of 06 and 07 work in orgs of their own (``org-exercise-NN``); 08 draws a frame of
its own; 11 imports the shipped sample into a store in memory, so the learner's own contacts
never reach a verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from .checking import Exercise, call, need_table, require

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from ..table import Table


@contextmanager
def _pages_of(table: Table, limit: int) -> Iterator[None]:
    """Every Query sent inside the block returns at most ``limit`` items a page."""

    def small_pages(params: dict[str, Any], **_: Any) -> None:
        params["Limit"] = limit

    events = table.client.meta.events
    events.register("provide-client-params.dynamodb.Query", small_pages)
    try:
        yield
    finally:
        events.unregister("provide-client-params.dynamodb.Query", small_pages)


def _sample_org(table: Table, org_id: str, source: str, rows: int) -> None:
    from . import samples

    org = table.org(org_id)
    if not org.list(limit=1).items:
        samples.load(org, samples.read_rows(source, limit=rows))


# -- 06: a word prefix through the token index -----------------------------------------------

SEARCH_ORG = "org-exercise-06"
SEARCH_PAGE = 3


def check_word_prefix(answer: Callable[..., Any], table: Table | None = None) -> str:
    """``answer(client, table_name, org_id, prefix) -> ids``: a Query of the token index."""
    from ..contacts import contact_tokens, search_fields
    from ..contacts.keys import search_partition_key

    chosen = need_table(table)
    _sample_org(chosen, SEARCH_ORG, "org-northwind.csv", 40)
    org = chosen.org(SEARCH_ORG)
    tokens = {c.id: contact_tokens(search_fields(c)) for c in org.iter_pages(org.list, limit=100)}
    token_items = sum(len(t) for t in tokens.values())
    for prefix in ("Eng", "SCHM", "ma"):
        folded = prefix.casefold()
        expected = {
            cid for cid, words in tokens.items() if any(w.startswith(folded) for w in words)
        }
        with chosen.meter() as meter, _pages_of(chosen, SEARCH_PAGE):
            found = call(answer, chosen.client, chosen.name, SEARCH_ORG, prefix)
        require(
            isinstance(found, (list, tuple)) and all(isinstance(i, str) for i in found),
            f"return a list of contact ids (strings), not {found!r}",
        )
        require(
            meter.by_operation["Scan"].requests == 0,
            "a Scan reads every tenant's items: Query the org's token partition "
            f"({search_partition_key(SEARCH_ORG)!r})",
        )
        require(
            bool(found) or not expected,
            f"nothing found for {prefix!r}, and {len(expected)} contacts have a word starting "
            "so: the tokens are folded (lower case, no accents); fold the prefix too "
            "(contactkit.contacts.search.words(prefix))",
        )
        require(
            len(set(found)) == len(found),
            f"{len(found) - len(set(found))} id(s) twice for {prefix!r}: a contact has one token "
            "item per word, and two of its words can start so; keep each id once",
        )
        missing = expected - set(found)
        require(
            not missing,
            f"{len(missing)} of the {len(expected)} contacts with a word starting {prefix!r} "
            f"are missing: this check makes pages of {SEARCH_PAGE} items; follow "
            "LastEvaluatedKey (as ExclusiveStartKey) until it is absent",
        )
        require(
            set(found) <= expected,
            f"{len(set(found) - expected)} contact(s) found for {prefix!r} have no word starting "
            "so: the id is what follows the last '#' of the token's sort key",
        )
        require(
            meter.items_read < token_items,
            f"{meter.items_read} token items read for {len(expected)} contacts: a FilterExpression "
            "reads the whole token partition; put begins_with(SK, :prefix) in the "
            "KeyConditionExpression",
        )
    return (
        f"Done: {len(found)} contacts with a word starting {prefix!r}, "
        f"{meter.items_read} token items read of the org's {token_items}."
    )


# -- 07: Query the orgs you need, not Scan the table -----------------------------------------

LOAD_ORGS = ("org-exercise-07a", "org-exercise-07b")
LOAD_COLUMNS = ["org_id", "company"]
LOAD_PAGE = 7


def check_load_companies(answer: Callable[..., Any], table: Table | None = None) -> str:
    """``answer(client, table_name, org_ids) -> DataFrame`` of org_id and company, by Query."""
    import pandas as pd

    from ..frames import load_frame

    chosen = need_table(table)
    for org_id, source in zip(LOAD_ORGS, ("org-northwind.csv", "org-contoso.csv"), strict=True):
        _sample_org(chosen, org_id, source, 20)
    with chosen.meter() as scan:
        everything = load_frame(chosen, columns=LOAD_COLUMNS, progress=False)
    wanted = everything[everything["org_id"].isin(LOAD_ORGS)]
    with chosen.meter() as meter, _pages_of(chosen, LOAD_PAGE):
        frame = call(answer, chosen.client, chosen.name, list(LOAD_ORGS))
    require(isinstance(frame, pd.DataFrame), f"return a pandas DataFrame, not {type(frame)}")
    require(
        list(frame.columns) == LOAD_COLUMNS,
        f"the frame's columns are {list(frame.columns)}: one column per attribute asked for, "
        f"{LOAD_COLUMNS}",
    )
    require(
        meter.by_operation["Scan"].requests == 0,
        "a Scan reads every item of every tenant (as load_frame(table) does): Query each "
        "org's partition",
    )
    rows = len(frame)
    require(
        rows <= len(wanted),
        f"{rows} rows for {len(wanted)} contacts: the partition holds tag items too; "
        "begins_with(SK, 'CONTACT#') in the KeyConditionExpression keeps the contacts",
    )
    require(
        rows == len(wanted),
        f"{rows} rows for {len(wanted)} contacts: this check makes pages of {LOAD_PAGE} items; "
        "follow LastEvaluatedKey until it is absent, for every org",
    )
    got = sorted(_pairs(frame), key=str)
    require(
        got == sorted(_pairs(wanted), key=str),
        "the rows are not the orgs' (org_id, company): read them from each contact item "
        "(a missing company is missing: None)",
    )
    queries = [r for r in meter.records if r.operation == "Query"]
    require(
        all("ProjectionExpression" in r.params for r in queries),
        "a Query returned whole items: ask for the two attributes only (ProjectionExpression; "
        "the read units stay the same, the data sent shrinks)",
    )
    require(
        meter.rcu <= scan.rcu / 2,
        f"{meter.rcu} RCU, and the Scan {scan.rcu}: at most half was asked; read each org's "
        "contacts only",
    )
    return (
        f"Done: {rows} contacts of {len(LOAD_ORGS)} orgs for {meter.rcu} RCU in "
        f"{len(queries)} Queries; the Scan of the table read {scan.items_read} items for "
        f"{scan.rcu} RCU."
    )


def _pairs(frame: pd.DataFrame) -> list[tuple[str, str | None]]:
    import pandas as pd

    return [
        (str(org_id), None if pd.isna(company) else str(company))
        for org_id, company in zip(frame["org_id"], frame["company"], strict=True)
    ]


# -- 08: a chart function, checked on its bars -----------------------------------------------

EMAILS = [
    "ann@example.com",
    "bo@example.com",
    "cy@Example.COM",
    "di@example.com",
    "ed@contoso.example",
    "fi@CONTOSO.example",
    "gu@contoso.example",
    "hu@northwind.example",
    "io@northwind.example",
    "jo@fabrikam.example",
    "ka@fabrikam.example",
    "li@adatum.example",
    None,
    None,
]
DOMAINS = [
    ("example.com", 4.0),
    ("contoso.example", 3.0),
    ("fabrikam.example", 2.0),  # a tie with northwind: by name
    ("northwind.example", 2.0),
    ("adatum.example", 1.0),
]


def check_email_domains_chart(answer: Callable[..., Any], table: Table | None = None) -> str:
    """``answer(df, ax=None, n=5) -> Axes``: horizontal bars of the top email domains."""
    import matplotlib.pyplot as plt
    import pandas as pd
    from matplotlib.axes import Axes

    df = pd.DataFrame({"first_name": [f"n{i}" for i in range(len(EMAILS))], "email": EMAILS})
    df["email"] = df["email"].astype("string")
    figures = set(plt.get_fignums())
    try:
        ax = call(answer, df.copy())
        require(isinstance(ax, Axes), f"return the matplotlib Axes drawn on, not {type(ax)}")
        require(
            len(set(plt.get_fignums()) - figures) == 1,
            "without ax, draw on one new figure (plt.subplots())",
        )
        bars = _bars_top_down(ax)
        require(
            [label for label, _ in bars] == [label for label, _ in DOMAINS],
            f"the bars read {bars} from the top: expected {DOMAINS} (domains in lower case, "
            "contacts without an email left out, most contacts on top, ties by domain name)",
        )
        require(
            bars == DOMAINS,
            f"the bars' lengths are {[v for _, v in bars]}: the number of contacts per domain",
        )
        require(
            bool(ax.get_title()) and bool(ax.get_xlabel()),
            "give the chart a title and the value axis a label (ax.set_title, ax.set_xlabel)",
        )
        mine = plt.subplots()[1]
        before = set(plt.get_fignums())
        drawn = call(answer, df.copy(), ax=mine, n=3)
        require(drawn is mine, "with ax=..., draw on that Axes and return it")
        require(
            set(plt.get_fignums()) == before,
            "with ax=..., open no figure of your own: the caller's figure holds the chart",
        )
        require(
            _bars_top_down(mine) == DOMAINS[:3], "with n=3, draw the three largest domains only"
        )
    finally:
        for number in set(plt.get_fignums()) - figures:
            plt.close(number)
    return f"Done: {DOMAINS[0][0]} on top with {DOMAINS[0][1]:.0f} contacts; n and ax are honoured."


def _bars_top_down(ax: Axes) -> list[tuple[str, float]]:
    """``(label, length)`` of each horizontal bar, as seen from the top of the chart."""
    from matplotlib.patches import Rectangle

    ax.figure.canvas.draw()  # tick labels of a categorical axis are set at drawing time
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    lengths = [p.get_width() for p in bars]
    heights = [p.get_height() for p in bars]
    require(
        len(set(heights)) <= 1 or len(set(lengths)) > 1,
        "these are vertical bars (ax.bar): draw horizontal ones (ax.barh), so that long "
        "domain names can be read",
    )
    labels = {
        round(float(t), 6): label.get_text()
        for t, label in zip(ax.get_yticks(), ax.get_yticklabels(), strict=True)
    }
    found = []
    for bar in bars:
        centre = round(float(bar.get_y() + bar.get_height() / 2), 6)
        found.append((centre, labels.get(centre, "?"), float(bar.get_width())))
    found.sort(reverse=not ax.yaxis_inverted())
    return [(label, length) for _, label, length in found]


# -- 11: the contacts to complete, on the shipped sample -------------------------------------


def sample_frame() -> pd.DataFrame:
    """The shipped sample of lesson 11, imported into a store in memory, as a frame."""
    from .. import connect
    from ..frames import load_frame
    from . import samples, yours

    db = connect()
    table = db.table("exercise-11")
    table.create(exist_ok=True)
    org = table.org("org-sample")
    org.import_contacts(samples.data_path(yours.SAMPLE_FILE), progress=False)
    return load_frame(org, progress=False)


def check_to_complete(answer: Callable[..., Any], table: Table | None = None) -> str:
    """``answer(df) -> DataFrame`` of display_name and missing ("email"/"phone"), by name."""
    import pandas as pd

    df = sample_frame()
    expected = sorted(
        (str(name), "email, phone" if no_email and no_phone else "email" if no_email else "phone")
        for name, no_email, no_phone in zip(
            df["display_name"], df["email"].isna(), df["phone"].isna(), strict=True
        )
        if no_email or no_phone
    )
    frame = call(answer, df.copy())
    require(isinstance(frame, pd.DataFrame), f"return a pandas DataFrame, not {type(frame)}")
    require(
        list(frame.columns) == ["display_name", "missing"],
        f"the columns are {list(frame.columns)}: keep display_name and add missing",
    )
    got = [(str(n), str(m)) for n, m in zip(frame["display_name"], frame["missing"], strict=True)]
    no_phone = [n for n, m in expected if m == "phone"]
    require(
        any(m == "phone" for _, m in got) or not no_phone,
        f"{', '.join(no_phone)} have no phone: they are missing (email or phone, not only email)",
    )
    require(
        sorted(got) == expected,
        f"{len(got)} rows, {len(expected)} expected: one row per contact without an email or "
        f"a phone, missing 'email', 'phone' or 'email, phone'; the first wrong: "
        f"{next(((g, e) for g, e in zip(sorted(got), expected, strict=False) if g != e), None)}",
    )
    require(got == expected, "the rows are right but not in order: sort them by display_name")
    return f"Done: {len(got)} contacts of the sample to complete, {len(no_phone)} without a phone."


EXERCISES = (
    Exercise(
        "06-ex1",
        "find_by_word_prefix",
        "a Query of the token index by word prefix",
        check_word_prefix,
    ),
    Exercise(
        "07-ex1",
        "load_companies",
        "a load that Queries the orgs instead of Scanning the table",
        check_load_companies,
    ),
    Exercise(
        "08-ex1",
        "plot_email_domains",
        "a chart function, checked on its bars",
        check_email_domains_chart,
    ),
    Exercise(
        "11-ex1", "to_complete", "the contacts without an email or a phone", check_to_complete
    ),
)
