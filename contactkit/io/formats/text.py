"""Bytes of a contacts file to text: BOMs, UTF-8, UTF-16 and legacy Windows code pages.

The rules, in order:

1. a byte-order mark decides (UTF-8, UTF-16 LE/BE: what Outlook's "Unicode" export writes);
2. UTF-16 without a BOM is recognised by its NUL bytes;
3. valid UTF-8 is UTF-8;
4. UTF-8 with a few invalid bytes (rows pasted from another encoding) stays UTF-8 when some
   line holds non-ASCII text that is valid UTF-8: the invalid bytes become U+FFFD and the rows
   holding them are reported, never silently mangled (a legacy file's bytes can form a valid
   UTF-8 pair by chance, but never a whole clean line of non-ASCII text in practice);
5. anything else is a legacy code page guessed by charset-normalizer (Windows-1252 when it
   is among the equally good guesses: what western Outlook and Excel write), with a note
   that names the other code pages that fit when the guess is not Windows-1252.

Bytes that the chosen encoding (a BOM's, UTF-16 recognised by its NULs, or ``encoding=``)
cannot decode, and an unknown ``encoding=``, are a ``ValidationError`` on ``encoding`` naming
the encoding and the offset of the first bad byte.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from ...errors import ValidationError

REPLACEMENT = "\ufffd"
_DECLARED_CHARSET = re.compile(rb";CHARSET=([A-Za-z0-9_.-]+)", re.IGNORECASE)
PREFERRED_LEGACY = "cp1252"


@dataclass(frozen=True)
class Decoded:
    """Decoded text, the encoding used, and whether invalid bytes were replaced."""

    text: str
    encoding: str
    replaced: bool = False
    note: str | None = None


def decode(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode a file's bytes by the rules above (or with ``encoding`` when given)."""
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise ValidationError(
                "encoding", f"unknown encoding {encoding!r}; give one such as 'utf-8' or 'cp1252'"
            ) from exc
        return Decoded(_strict(data, encoding), encoding)
    if data.startswith(codecs.BOM_UTF8):
        return _utf8(data[len(codecs.BOM_UTF8) :], "utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Decoded(
            _strict(data, "utf-16", "the file starts with a UTF-16 byte-order mark"), "utf-16"
        )
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return Decoded(_strict(data, utf16, "the file looks like UTF-16 (NUL bytes)"), utf16)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if _has_clean_utf8_line(data):
        return _utf8(data, "utf-8")
    guess, others = _legacy_guess(data)
    also = f"; {', '.join(others)} would also fit" if others else ""
    return Decoded(
        data.decode(guess),
        guess,
        note=f"the file is not UTF-8; read it as {guess} (a guess{also}: pass encoding= to choose)",
    )


def _strict(data: bytes, encoding: str, why: str = "") -> str:
    """``data`` decoded, or a ``ValidationError`` naming the encoding and the first bad byte."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        bad = exc.object[exc.start : min(exc.end, exc.start + 4)].hex(" ")
        because = f" ({why})" if why else ""
        raise ValidationError(
            "encoding",
            f"the file is not valid {encoding}{because}: byte {exc.start} ({bad}): {exc.reason}; "
            "re-save it as UTF-8, or pass the encoding it was saved in",
        ) from exc
    except LookupError as exc:  # a codec that is not a text encoding ("rot13", "base64")
        raise ValidationError("encoding", f"{encoding!r} is not a text encoding") from exc


def _utf8(data: bytes, name: str) -> Decoded:
    text = data.decode("utf-8", errors="replace")
    replaced = REPLACEMENT in text and REPLACEMENT not in _strict_or_empty(data)
    return Decoded(text, name, replaced=replaced)


def _strict_or_empty(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return ""


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:400]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > len(odd) * 0.4 and even.count(0) < len(even) * 0.1:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.4 and odd.count(0) < len(odd) * 0.1:
        return "utf-16-be"
    return None


def _has_clean_utf8_line(data: bytes) -> bool:
    """Whether some line holds non-ASCII text that is valid UTF-8 (rule 4).

    A legacy code page's bytes can form a valid UTF-8 pair by chance (Shift-JIS ``の権`` is
    ``82 CC 8C A0``, and ``CC 8C`` is U+030C), but only on lines that also hold invalid bytes;
    a UTF-8 file with a few rows pasted from another encoding has clean non-ASCII lines too.
    """
    for line in data.split(b"\n"):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        return True
    return False


def _legacy_guess(data: bytes) -> tuple[str, list[str]]:
    """The likeliest legacy code page and, when it is not Windows-1252, up to three others
    that read the bytes too (named in the note: short CJK text is easily misread, such as
    Shift-JIS as the Korean cp949, and the note says what to pass instead)."""
    matches = list(from_bytes(data))
    if not matches:
        return PREFERRED_LEGACY, []
    best_chaos = min(m.chaos for m in matches)
    best = [m for m in matches if m.chaos == best_chaos]
    # Code pages that decode these bytes to the same text are equally right; prefer 1252.
    if any(PREFERRED_LEGACY in m.could_be_from_charset for m in best):
        return PREFERRED_LEGACY, []
    others = [str(m.encoding) for m in matches if m.chaos != best_chaos]
    return str(best[0].encoding), others[:3]


def with_declared_charsets(data: bytes, decoded: Decoded) -> Decoded:
    """A UTF-8 vCard file's lines that are not UTF-8, read in the charset their property
    declares (``ADR;CHARSET=Windows-1252:``: Outlook writes each property in its own charset,
    so one file mixes Windows-1252 and UTF-8 lines).

    Only lines that are not valid UTF-8 are read so (a property declaring a charset but written
    in UTF-8 stays UTF-8); a line that is valid in neither keeps U+FFFD for its card to be
    reported. Folded and quoted-printable continuation lines follow their property.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    lines: list[str] = []
    charset: str | None = None
    replaced = continued = False
    recoded = 0
    for raw in data.split(b"\n"):
        if raw[:1] not in (b" ", b"\t") and not continued:
            found = _DECLARED_CHARSET.search(raw.split(b":", 1)[0])
            charset = found.group(1).decode("ascii") if found else None
        continued = raw.rstrip(b"\r").endswith(b"=") and b"QUOTED-PRINTABLE" in raw.upper()
        try:
            lines.append(raw.decode("utf-8"))
            continue
        except UnicodeDecodeError:
            pass
        text = _declared(raw, charset)
        if text is None:
            text, replaced = raw.decode("utf-8", errors="replace"), True
        else:
            recoded += 1
        lines.append(text)
    note = (
        f"{recoded} line(s) read in the charset their property declares (CHARSET=...)"
        if recoded
        else decoded.note
    )
    return Decoded("\n".join(lines), decoded.encoding, replaced, note)


def _declared(raw: bytes, charset: str | None) -> str | None:
    if charset is None:
        return None
    try:
        return raw.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return None
