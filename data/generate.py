"""Generate contactkit's sample data set (deterministic: fixed seed, pinned libraries).

Run from the repository root::

    .venv/bin/python data/generate.py

It rewrites the generated files of ``data/`` (see ``data/README.md``): three orgs, 5,000
contacts in all, their interactions, and the list of near-duplicates planted in them. The
same seed and the pinned ``phonenumbers`` version give byte-identical files; a test checks
that running it again changes nothing. Hand-written files (the seed contacts, the messy file
and its companion, the Google, Outlook and vCard samples) are not touched.
"""

from __future__ import annotations

import csv
import io
import json
import random
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

SEED = 20260105
DATA = Path(__file__).resolve().parent
END = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # "today" of the lessons (their FixedClock)
START = END - timedelta(days=730)

# (org id, contacts, format, home region of its phones)
ORGS = [
    ("org-northwind", 2600, "csv"),
    ("org-contoso", 1600, "csv"),
    ("org-fabrikam", 800, "json"),
]

CSV_COLUMNS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "company",
    "job_title",
    "tags",
    "street",
    "city",
    "state",
    "postal_code",
    "country",
    "custom.linkedin",
    "custom.account_id",
    "custom.birthday",
    "notes",
    "favorite",
    "created_at",
]

FIRST_NAMES = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Christopher",
    "Lisa",
    "Daniel",
    "Nancy",
    "Matthew",
    "Betty",
    "Anthony",
    "Sandra",
    "Mark",
    "Ashley",
    "Steven",
    "Emily",
    "Andrew",
    "Donna",
    "Joshua",
    "Michelle",
    "Kenji",
    "Yuki",
    "Haruto",
    "Sakura",
    "Wei",
    "Mei",
    "Li",
    "Jun",
    "Priya",
    "Arjun",
    "Ananya",
    "Rohan",
    "Aarav",
    "Diya",
    "Fatima",
    "Omar",
    "Aisha",
    "Youssef",
    "Layla",
    "Chinedu",
    "Ngozi",
    "Amara",
    "Kwame",
    "Sipho",
    "Lucas",
    "Sofía",
    "Mateo",
    "Valentina",
    "Thiago",
    "Camila",
    "Gabriel",
    "Isabela",
    "João",
    "Ana",
    "Léa",
    "Hugo",
    "Chloé",
    "Louis",
    "Zoé",
    "Élodie",
    "Jürgen",
    "Lena",
    "Lukas",
    "Anna",
    "Felix",
    "Marie",
    "Søren",
    "Freja",
    "Lars",
    "Ingrid",
    "Olivia",
    "Noah",
    "Emma",
    "Liam",
    "Ava",
    "Ethan",
    "Mia",
    "Zoë",
    "Siobhán",
    "Seán",
    "Niamh",
    "Björn",
    "Åsa",
    "Dmitri",
    "Olga",
    "Marco",
    "Giulia",
]
LAST_NAMES = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Tanaka",
    "Suzuki",
    "Takahashi",
    "Watanabe",
    "Wang",
    "Zhang",
    "Liu",
    "Chen",
    "Patel",
    "Sharma",
    "Singh",
    "Gupta",
    "Kumar",
    "Okafor",
    "Adeyemi",
    "Mensah",
    "Nkosi",
    "Haddad",
    "Nasser",
    "Silva",
    "Santos",
    "Oliveira",
    "Souza",
    "Pereira",
    "Costa",
    "Dubois",
    "Lefèvre",
    "Moreau",
    "Laurent",
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Jørgensen",
    "Nielsen",
    "Andersson",
    "Johansson",
    "O'Brien",
    "O'Connor",
    "Murphy",
    "Kelly",
    "Byrne",
    "Ivanov",
    "Petrova",
    "Rossi",
    "Russo",
    "Bianchi",
    "Ferrari",
    "García",
    "Fernández",
    "Núñez",
    "van",
    "der",
    "Berg",
    "de",
    "Vries",
    "Kowalski",
    "Nowak",
]
COMPANY_WORDS_A = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Wonka",
    "Hooli",
    "Vandelay",
    "Soylent",
    "Cyberdyne",
    "Tyrell",
    "Aperture",
    "Black",
    "Mesa",
    "Oscorp",
    "Gringotts",
    "Monarch",
    "Nakatomi",
    "Pied",
    "Piper",
    "Dunder",
    "Sterling",
    "Blue",
    "Northwind",
    "Contoso",
    "Fabrikam",
    "Tailspin",
    "Litware",
    "Proseware",
    "Adatum",
    "Woodgrove",
    "Fourth",
    "Coffee",
    "Alpine",
    "Margie",
    "Lucerne",
    "Trey",
    "Humongous",
    "Wingtip",
    "Bellows",
    "Coho",
    "Lamna",
    "Relecloud",
]
COMPANY_WORDS_B = [
    "Corp",
    "Inc",
    "Ltd",
    "GmbH",
    "Labs",
    "Systems",
    "Industries",
    "Partners",
    "Group",
    "Studio",
    "Analytics",
    "Logistics",
    "Health",
    "Energy",
    "Foods",
    "Media",
    "Capital",
    "Robotics",
    "Software",
    "Consulting",
]
JOB_TITLES = [
    "Software Engineer",
    "Senior Software Engineer",
    "Engineering Manager",
    "Product Manager",
    "Designer",
    "Creative Director",
    "Marketing Manager",
    "Sales Representative",
    "Account Executive",
    "Customer Success Manager",
    "Data Analyst",
    "Data Scientist",
    "CTO",
    "CEO",
    "CFO",
    "Head of Operations",
    "Procurement Officer",
    "HR Business Partner",
    "Legal Counsel",
    "Office Manager",
    "Recruiter",
    "Consultant",
]
TAGS = [
    "client",
    "vendor",
    "partner",
    "prospect",
    "lead",
    "vip",
    "engineering",
    "design",
    "marketing",
    "sales",
    "support",
    "finance",
    "legal",
    "hr",
    "investor",
    "press",
    "conference-2025",
    "newsletter",
    "churned",
    "renewal-q1",
    "emea",
    "apac",
    "americas",
    "referral",
]
# Popularity of TAGS (a few tags are common, most are rare).
TAG_WEIGHTS = [30, 12, 10, 14, 9, 5, 8, 4, 6, 7, 3, 3, 2, 2, 1, 1, 4, 6, 2, 3, 5, 4, 6, 2]
# (region, share of phones, city, state, country)
REGIONS = [
    ("US", 40, ["New York", "Austin", "Seattle", "Chicago", "Denver"], "NY TX WA IL CO", "US"),
    ("GB", 12, ["London", "Manchester", "Leeds", "Bristol"], "", "GB"),
    ("DE", 10, ["Berlin", "München", "Hamburg", "Köln"], "", "DE"),
    ("FR", 8, ["Paris", "Lyon", "Marseille"], "", "FR"),
    ("IN", 8, ["Bengaluru", "Mumbai", "Pune"], "KA MH MH", "IN"),
    ("JP", 6, ["Tokyo", "Osaka"], "", "JP"),
    ("BR", 6, ["São Paulo", "Rio de Janeiro"], "SP RJ", "BR"),
    ("AU", 5, ["Sydney", "Melbourne"], "NSW VIC", "AU"),
    ("CA", 3, ["Toronto", "Vancouver"], "ON BC", "CA"),
    ("SG", 2, ["Singapore"], "", "SG"),
]
STREETS = (
    "Main St|High Street|Oak Avenue|Hauptstraße|Rue de la Paix|Baker Street|Elm Road|Market St"
)
INTERACTION_KINDS = [("email", 50), ("call", 25), ("meeting", 15), ("note", 10)]
EMAIL_DOMAINS = ["example.com", "example.org", "example.net", "mail.example", "corp.example"]


def _phone(rng: random.Random, region: str) -> str:
    """A valid number of ``region``, written in one of the ways people write numbers."""
    kind = rng.choice([PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE])
    example = phonenumbers.example_number_for_type(region, kind)
    assert example is not None
    digits = str(example.national_number)
    for _ in range(50):
        tail = "".join(str(rng.randrange(10)) for _ in range(4))
        candidate = phonenumbers.parse(f"+{example.country_code}{digits[:-4]}{tail}", None)
        if phonenumbers.is_valid_number(candidate):
            break
    style = rng.random()
    if region == "US" and style < 0.5:
        national = phonenumbers.format_number(candidate, PhoneNumberFormat.NATIONAL)
        return rng.choice(
            [
                national,
                national.replace("(", "").replace(") ", "-"),
                national.replace("(", "").replace(") ", ".").replace("-", "."),
            ]
        )
    if style < 0.3:
        return phonenumbers.format_number(candidate, PhoneNumberFormat.E164)
    international = phonenumbers.format_number(candidate, PhoneNumberFormat.INTERNATIONAL)
    if style < 0.4:
        return international.replace(" ", "")
    if style < 0.5:
        return international.replace(" ", "-", 1)
    return international


def _ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii() and c.isalnum()).lower()


def _email_local(first: str, last: str, rng: random.Random) -> str:
    ascii_fold = _ascii_fold
    f, last_ascii = ascii_fold(first), ascii_fold(last)
    return rng.choice(
        [f"{f}.{last_ascii}", f"{f[0]}{last_ascii}", f"{f}_{last_ascii}", f"{f}{last_ascii}"]
    )


def _companies(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = f"{rng.choice(COMPANY_WORDS_A)} {rng.choice(COMPANY_WORDS_B)}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _when(rng: random.Random) -> datetime:
    # Growth: more contacts were added recently (a triangular distribution towards END).
    days = rng.triangular(0, 730, 730)
    moment = START + timedelta(days=days, seconds=rng.randrange(86_400))
    return moment.replace(microsecond=0)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _contacts(rng: random.Random, org: str, count: int) -> list[dict[str, object]]:
    companies = _companies(rng, max(20, count // 12))
    # Zipf-like company sizes: a few big customers, a long tail of one-person companies.
    company_weights = [1 / (rank + 1) ** 1.1 for rank in range(len(companies))]
    region_weights = [r[1] for r in REGIONS]
    used_emails: set[str] = set()
    contacts: list[dict[str, object]] = []
    while len(contacts) < count:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        company = rng.choices(companies, company_weights)[0] if rng.random() < 0.92 else None
        domain = (
            company.split()[0].lower() + ".example"
            if company and rng.random() < 0.6
            else rng.choice(EMAIL_DOMAINS)
        )
        email = f"{_email_local(first, last, rng)}@{domain}"
        if email.lower() in used_emails:
            email = f"{_email_local(first, last, rng)}{rng.randrange(2, 99)}@{domain}"
            if email.lower() in used_emails:
                continue
        used_emails.add(email.lower())
        region, _, cities, states, country = rng.choices(REGIONS, region_weights)[0]
        city_index = rng.randrange(len(cities))
        state_list = states.split()
        tag_count = rng.choices([0, 1, 2, 3, 4], [15, 35, 30, 15, 5])[0]
        tags: list[str] = []
        while len(tags) < tag_count:
            tag = rng.choices(TAGS, TAG_WEIGHTS)[0]
            if tag not in tags:
                tags.append(tag)
        has_address = rng.random() < 0.7
        created = _when(rng)
        custom: dict[str, str] = {}
        if rng.random() < 0.3:
            custom["linkedin"] = (
                f"https://www.linkedin.com/in/{email.split('@')[0].replace('.', '-')}"
            )
        if company and rng.random() < 0.4:
            custom["account_id"] = f"ACC-{rng.randrange(10_000, 99_999)}"
        if rng.random() < 0.15:
            custom["birthday"] = (
                f"{rng.randrange(1955, 2003)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
            )
        contacts.append(
            {
                "first_name": first,
                "last_name": last,
                "email": email,
                "phone": _phone(rng, region) if rng.random() < 0.9 else None,
                "company": company,
                "job_title": rng.choice(JOB_TITLES) if company and rng.random() < 0.85 else None,
                "tags": tags,
                "address": {
                    "street": f"{rng.randrange(1, 400)} {rng.choice(STREETS.split('|'))}",
                    "city": cities[city_index],
                    "state": state_list[city_index % len(state_list)] if state_list else None,
                    "postal_code": f"{rng.randrange(10_000, 99_999)}",
                    "country": country,
                }
                if has_address
                else None,
                "custom_fields": custom,
                "notes": rng.choice(
                    [
                        "Met at the trade fair.",
                        "Prefers email.",
                        "Call after 3 pm.",
                        "Decision maker.",
                        "Introduced by a partner.",
                    ]
                )
                if rng.random() < 0.2
                else None,
                "favorite": rng.random() < 0.06,
                "created_at": _iso(created),
            }
        )
    return contacts


def _plant_near_duplicates(
    rng: random.Random, org: str, contacts: list[dict[str, object]], count: int
) -> list[dict[str, str]]:
    """Add ``count`` near-copies of existing contacts (typo, other email, same phone...)."""
    planted: list[dict[str, str]] = []
    originals = rng.sample(contacts, count)
    for index, original in enumerate(originals):
        copy = json.loads(json.dumps(original))
        kind = ["name_typo", "other_email_same_phone", "nickname_same_company"][index % 3]
        local, domain = str(original["email"]).split("@")
        if kind == "name_typo":
            name = str(copy["last_name"])
            cut = rng.randrange(1, len(name)) if len(name) > 2 else 1
            copy["last_name"] = name[:cut] + name[cut + 1 :] if len(name) > 3 else name + "e"
            copy["email"] = f"{local}.{index}@{domain}"
        elif kind == "other_email_same_phone":
            copy["email"] = f"{local}@personal.example"
            if not copy.get("phone"):
                copy["phone"] = _phone(rng, "US")
                original["phone"] = copy["phone"]
        else:
            copy["first_name"] = str(copy["first_name"])[:3]
            copy["email"] = f"{_ascii_fold(str(copy['first_name']))}.{index}@{domain}"
        copy["created_at"] = _iso(_when(rng))
        contacts.insert(rng.randrange(len(contacts) + 1), copy)
        planted.append(
            {
                "org_id": org,
                "email": str(original["email"]),
                "duplicate_email": str(copy["email"]),
                "kind": kind,
            }
        )
    return planted


def _interactions(
    rng: random.Random, org: str, contacts: list[dict[str, object]]
) -> list[dict[str, str]]:
    kinds = [k for k, _ in INTERACTION_KINDS]
    weights = [w for _, w in INTERACTION_KINDS]
    rows: list[dict[str, str]] = []
    for contact in contacts:
        # Most contacts are rarely touched; a few are contacted all the time.
        count = min(30, int(rng.paretovariate(1.3)) - 1)
        created = datetime.strptime(str(contact["created_at"]), "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=UTC
        )
        for _ in range(count):
            span = (END - created).total_seconds()
            at = created + timedelta(seconds=rng.uniform(0, span))
            rows.append(
                {
                    "org_id": org,
                    "email": str(contact["email"]),
                    "kind": rng.choices(kinds, weights)[0],
                    "note": rng.choice(
                        ["", "follow up", "sent proposal", "quarterly review", "intro"]
                    ),
                    "at": _iso(at.replace(microsecond=0)),
                }
            )
    rows.sort(key=lambda r: (r["at"], r["email"]))
    return rows


def _csv_row(contact: dict[str, object]) -> dict[str, str]:
    address = contact.get("address") or {}
    custom = contact.get("custom_fields") or {}
    assert isinstance(address, dict) and isinstance(custom, dict)
    row = {
        "first_name": contact["first_name"],
        "last_name": contact["last_name"],
        "email": contact["email"],
        "phone": contact.get("phone") or "",
        "company": contact.get("company") or "",
        "job_title": contact.get("job_title") or "",
        "tags": ";".join(contact.get("tags") or []),  # type: ignore[arg-type]
        **{
            part: address.get(part) or ""
            for part in ("street", "city", "state", "postal_code", "country")
        },
        **{
            f"custom.{name}": custom.get(name, "")
            for name in ("linkedin", "account_id", "birthday")
        },
        "notes": contact.get("notes") or "",
        "favorite": "true" if contact.get("favorite") else "",
        "created_at": contact["created_at"],
    }
    return {k: str(v) for k, v in row.items()}


def _write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _json_contact(contact: dict[str, object]) -> dict[str, object]:
    found = {k: v for k, v in contact.items() if v not in (None, [], {}, False)}
    if isinstance(found.get("address"), dict):
        found["address"] = {k: v for k, v in found["address"].items() if v}  # type: ignore[union-attr]
    return found


def main(out: Path = DATA) -> None:
    """Write the generated files into ``out`` (``data/`` by default)."""
    rng = random.Random(SEED)
    planted: list[dict[str, str]] = []
    interactions: list[dict[str, str]] = []
    for org, count, fmt in ORGS:
        duplicates = max(10, count // 100)
        contacts = _contacts(rng, org, count - duplicates)
        planted += _plant_near_duplicates(rng, org, contacts, duplicates)
        interactions += _interactions(rng, org, contacts)
        if fmt == "csv":
            _write_csv(out / f"{org}.csv", CSV_COLUMNS, [_csv_row(c) for c in contacts])
        else:
            text = json.dumps([_json_contact(c) for c in contacts], ensure_ascii=False, indent=1)
            (out / f"{org}.json").write_text(text + "\n", encoding="utf-8")
    _write_csv(out / "interactions.csv", ["org_id", "email", "kind", "note", "at"], interactions)
    _write_csv(out / "near-duplicates.csv", ["org_id", "email", "duplicate_email", "kind"], planted)


if __name__ == "__main__":
    main()
