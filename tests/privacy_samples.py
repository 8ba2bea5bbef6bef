"""Generated questions that carry private details, for privacy tests (redaction, logs, history, metrics).

`generate_private_questions(n, seed)` gives the same questions for the same seed. Each question names a
person after a cue phrase and holds a valid NHS number, a postcode, a phone number, an email address and a
date of birth, in the formats practitioners type (capitalised or all lower case, as in Slack). `secrets`
lists the raw strings that must never be written anywhere; `leaks(text)` says which of them survive in
`text` (names and postcodes are matched as whole words, ignoring case, so "Ali" does not match "quality").
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

# Realistic first names and surnames of children and parents in an outer London borough, with accents,
# hyphens and apostrophes. Some are on the redactor's list of given names; many are not (they are found
# only through the cue phrase).
FIRST_NAMES = (
    "Jayden", "Amelia", "Oliver", "Aisha", "Mohammed", "Zoë", "Chloé", "Siân", "Łukasz", "Oluwaseun",
    "Tallulah", "Bartosz", "Siobhan", "Niamh", "Ayodele", "Kehinde", "Saoirse", "Dariusz", "Eilidh", "Aoife",
    "Nkechi", "Thandiwe", "Xiu", "Mei", "Yasmin", "Zofia", "Anya", "Esmé", "Cormac", "Tendai",
    "Kacper", "Priya", "Arjun", "Fatima", "Ibrahim", "Leon", "Tyrone", "Demi", "Kayden", "Riley",
    "Ruby", "Harvey", "Precious", "Blessing", "Grace", "Mason", "Renée", "Ayaan", "Sofia", "Callum",
)
SURNAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Davies", "Evans", "Thomas", "Johnson", "Roberts", "Walker",
    "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "Wood", "Harris",
    "Patel", "Khan", "Ahmed", "Begum", "Hussain", "Singh", "Kaur", "Shah", "Rahman", "Islam",
    "Okafor", "Adeyemi", "Mensah", "Owusu", "Nowak", "Kowalski", "Wiśniewska", "Popescu", "Ionescu", "Nguyen",
    "Chen", "O'Connor", "Murphy", "McDonald", "Smith-Jones", "D'Souza", "Fernandes", "da Silva", "Brown",
    "Kelly",
)
# Cue phrases before a person's given name (and maybe surname), and titles before a surname.
NAME_CUES = (
    "my client", "a child called", "a boy named", "a girl called", "her name is", "his name is", "the pupil",
    "student", "young person", "YP", "mum", "dad", "mother", "father", "baby", "named", "called",
    "a young person called", "our client", "the child's mum", "her dad", "sibling",
)
TITLES = ("Mr", "Mrs", "Ms", "Miss", "Dr", "mr", "mrs", "miss")
EMAIL_DOMAINS = ("gmail.com", "hotmail.co.uk", "outlook.com", "yahoo.co.uk", "redbridge.gov.uk", "nhs.net")
POSTCODE_AREAS = ("IG", "RM", "E", "N", "SE", "SW", "W", "NW", "EN", "CM", "SS", "B", "M", "L", "LS", "G")
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
ENDINGS = (
    "how do I refer to MASH?", "what threshold level applies?", "should I call the LADO?",
    "is this a section 47 matter?", "who do I share this with?", "can early help support the family?",
    "what does Working Together 2023 say?", "what were the 2016/17 figures for CP plans?",
)


@dataclass(frozen=True)
class PrivateQuestion:
    text: str
    secrets: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)

    def leaks(self, output: str) -> list[str]:
        """The secrets still present in `output` (names and postcodes as whole words, any case)."""
        found = [s for s in self.secrets if s in output]
        for word in self.names:
            if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", output, re.IGNORECASE) and word not in found:
                found.append(word)
        return found


def nhs_check_digit(nine: str) -> int | None:
    """The mod-11 check digit for nine digits, or None when there is none (remainder 10)."""
    check = 11 - sum(int(d) * w for d, w in zip(nine, range(10, 1, -1))) % 11
    return {11: 0, 10: None}.get(check, check)


def random_nhs_number(rng: random.Random) -> str:
    while True:
        nine = "".join(rng.choice("0123456789") for _ in range(9))
        check = nhs_check_digit(nine)
        if check is not None:
            digits = nine + str(check)
            return rng.choice((digits, f"{digits[:3]} {digits[3:6]} {digits[6:]}",
                               f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"))


def random_phone(rng: random.Random) -> str:
    d = lambda k: "".join(rng.choice("0123456789") for _ in range(k))  # noqa: E731
    mobile = "7" + rng.choice("1234579") + d(8)
    london = "20" + rng.choice("378") + d(7)
    other = rng.choice(("161", "121", "113", "1632", "1708")) + d(6)
    return rng.choice((
        f"0{mobile[:4]} {mobile[4:]}", f"0{mobile}", f"0{mobile[:4]}-{mobile[4:7]}-{mobile[7:]}",
        f"+44 {mobile[:4]} {mobile[4:]}", f"+44{mobile}", f"+44 (0){mobile[:4]} {mobile[4:]}",
        f"(0{london[:2]}) {london[2:6]} {london[6:]}", f"0{london[:2]} {london[2:6]} {london[6:]}",
        f"0{london[:2]}-{london[2:6]}-{london[6:]}", f"+44 {london[:2]} {london[2:6]} {london[6:]}",
        f"0{other[:-6]} {other[-6:-3]} {other[-3:]}", f"(0{other[:-6]}) {other[-6:]}", f"0044 {mobile}",
    ))


def random_postcode(rng: random.Random) -> str:
    area = rng.choice(POSTCODE_AREAS)
    district = str(rng.randint(1, 20 if len(area) == 2 else 18))
    inward = f"{rng.randint(0, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
    code = f"{area}{district}{rng.choice((' ', ' ', ''))}{inward}"
    return code.lower() if rng.random() < 0.3 else code


def random_dob(rng: random.Random) -> tuple[str, str]:
    """(phrase as written, the raw date string inside it)."""
    year, month, day = rng.randint(2006, 2024), rng.randint(1, 12), rng.randint(1, 28)
    suffix = "th" if 10 < day < 14 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    month_name = MONTHS[month - 1]
    forms = (
        ("DOB {}", f"{day:02d}/{month:02d}/{year}"), ("dob {}", f"{day}/{month}/{year % 100:02d}"),
        ("born {}", f"{day} {month_name} {year}"), ("born on {}", f"{day}{suffix} {month_name} {year}"),
        ("d.o.b. {}", f"{year}-{month:02d}-{day:02d}"),
        ("date of birth {}", f"{day:02d}.{month:02d}.{year % 100:02d}"),
        ("DOB: {}", f"{day:02d}-{month:02d}-{year}"), ("born {}", f"{month_name.lower()} {day}, {year}"),
        ("{}", f"{day:02d}.{month:02d}.{year % 100:02d}"), ("{}", f"{day} {month_name[:3]} {year}"),
    )
    phrase, raw = rng.choice(forms)
    return phrase.format(raw), raw


def _person(rng: random.Random) -> tuple[str, list[str]]:
    first, surname = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
    lower = rng.random() < 0.4
    if rng.random() < 0.2:
        title = rng.choice(TITLES)
        name = rng.choice((surname, f"{first} {surname}"))
        name = name.lower() if lower or title.islower() else name
        return f"{title} {name}", name.split()
    cue = rng.choice(NAME_CUES)
    name = rng.choice((first, f"{first} {surname}", f"{first} {surname}"))
    name = name.lower() if lower else name
    cue = cue.lower() if lower else cue
    return f"{cue} {name}", name.split()


def generate_private_questions(n: int, seed: int) -> list[PrivateQuestion]:
    """`n` questions, the same for the same seed, each with a name, NHS number, postcode, phone, email, DOB."""
    rng = random.Random(seed)
    questions = []
    for _ in range(n):
        person, names = _person(rng)
        nhs, phone, postcode = random_nhs_number(rng), random_phone(rng), random_postcode(rng)
        dob_phrase, dob = random_dob(rng)
        local = rng.choice((f"{names[0]}.{names[-1]}", f"{names[-1]}{rng.randint(1, 99)}",
                            names[0][0] + names[-1]))
        email = f"{local.lower().replace(' ', '')}@{rng.choice(EMAIL_DOMAINS)}"
        clauses = [
            rng.choice(("NHS number {}", "NHS no. {}", "nhs {}", "NHS: {}")).format(nhs),
            rng.choice(("lives at {}", "postcode {}", "address is {}", "home postcode {}", "{}")).format(postcode),
            rng.choice(("mum's phone {}", "mob {}", "call {}", "contact number {}", "tel: {}")).format(phone),
            rng.choice(("email {}", "contact {}", "{}", "parent email: {}")).format(email),
            dob_phrase,
        ]
        rng.shuffle(clauses)
        opening = rng.choice(("I'm worried about {}", "{}", "Referral for {}", "re {}", "Can you advise on {}"))
        text = (opening.format(person) + rng.choice((", ", "; ", " - ")) + ", ".join(clauses) + ". "
                + rng.choice(ENDINGS))
        questions.append(PrivateQuestion(text=text, secrets=[nhs, phone, postcode, email, dob, " ".join(names)],
                                         names=[w for w in names if len(w) > 1]))
    return questions
