"""A pseudonymous key that lets services in one area see that someone came
back to treatment, without sharing who they are.

The key is an HMAC-SHA256, under a secret kept per area, of the person's
first two initials, date of birth and sex, normalised so that the same
person recorded slightly differently still matches:

- initials: the first letter of the first name and of the last name, with
  accents dropped (É → E, Ŵ → W), letters that have no accent to drop
  spelled out (Ø → O, Æ → A, ß → S, Ł → L), and anything that is not a
  letter skipped (O'Brien → O, 'Aisha → A, ʻOlena → O); letters of other scripts are
  kept as they are, upper-cased;
- date of birth as YYYY-MM-DD, so 29 February is no different from any day;
- sex as F, M or X, and U when it was not recorded.

What the key cannot do (see docs/episodes.md): two people with the same
initials, birthday and sex share a key (a collision: in an area of 100,000
people, a handful of pairs); a person whose details change (a new family
name, a corrected birth date, sex recorded later) gets a new key; and a
key means nothing outside its area, or once the area's secret is replaced.

Pure: no database. `caremap.episodes.actions` supplies the area's secret.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import unicodedata

SEXES = {"female": "F", "male": "M", "other": "X"}
UNRECORDED = "U"

# Letters NFKD leaves alone because they are not a base letter plus accent.
SPELLED_OUT = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "æ": "a",
        "Æ": "A",
        "œ": "o",
        "Œ": "O",
        "ß": "s",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "t",
        "Þ": "T",
        "ı": "i",
    }
)


class NoInitial(ValueError):
    """A name with no letter in it has no initial to key on."""


# Letters proper: modifier letters (the ʼ and ʻ some names are typed with)
# are marks, not initials.
LETTERS = {"Lu", "Ll", "Lt", "Lo"}


def initial(name: str) -> str:
    for character in unicodedata.normalize("NFKD", name.translate(SPELLED_OUT)):
        if unicodedata.category(character) in LETTERS:
            return character.upper()
    raise NoInitial(name)


def sex_code(sex: str | None) -> str:
    return SEXES.get((sex or "").strip().lower(), UNRECORDED)


def message(
    given_name: str, family_name: str, date_of_birth: datetime.date, sex: str | None
) -> bytes:
    """What is keyed: the normalised details, never stored."""
    parts = [
        initial(given_name) + initial(family_name),
        date_of_birth.isoformat(),
        sex_code(sex),
    ]
    return "|".join(parts).encode()


def linkage_key(
    given_name: str,
    family_name: str,
    date_of_birth: datetime.date,
    sex: str | None,
    *,
    secret: bytes,
) -> str:
    if len(secret) < 32:
        raise ValueError("an area's linkage secret must be at least 32 bytes")
    digest = hmac.new(
        secret, message(given_name, family_name, date_of_birth, sex), hashlib.sha256
    )
    return digest.hexdigest()
