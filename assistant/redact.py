"""Redaction of personal details from a question before its text is written anywhere.

Practitioners' questions may name children. Every log line, history row, conversation turn and metric
that holds question text holds `redact(text)` instead. Each detail becomes a typed placeholder, so the text
stays useful for analytics ("how do I refer [name] aged 14 to MASH"):

    [email] [phone] [nhs-number] [date] [postcode] [address] [name]

Decisions (privacy first: a wrongly hidden word costs a little analytic value, a missed name costs a child):

* NHS numbers: any stand-alone run of ten digits (contiguous, or grouped 3-3-4 by spaces or dashes) is
  redacted, whether or not its mod-11 check digit is valid: a mistyped NHS number still points at a child,
  and no figure in the board's questions has ten digits. The check digit only chooses the label: a valid
  one gives [nhs-number]; an invalid one that reads as a UK phone number gives [phone], else [nhs-number].
* Dates: a full date (day and month, with or without a year) is redacted; so is anything after a birth cue
  ("DOB", "d.o.b.", "date of birth", "born", "birthday"), even a bare year. Years, reporting periods
  ("2016/17", "2016-17", "2016/2017") and month-and-year ("March 2017") are kept, because questions about
  figures need them; so is a quarter-end date after a reporting cue ("as at 31 March 2017",
  "between 1 April 2016 and 31 March 2017").
* Postcodes: full postcodes in any case, with or without the space. An outward code alone ("IG1", "rm6")
  is redacted when its area is a real two-letter postcode area; a one-letter area ("E11", "N1", and "S47",
  which is also section 47) only after a cue such as "postcode" or "lives in".
* Names: found by cue phrases ("my client", "called", "named", "his name is", "mum", "pupil", "YP", "Mrs",
  ...), in any case (Slack users type "my client jayden smith"), and by a list of common given names
  ("Jayden Smith is 14"). There is no generic capitalised-bigram rule: the documents are full of capitalised
  pairs ("Working Together", "Private Fostering", "Whipps Cross") that such a rule would eat. Names that
  are public (the national case reviews in PUBLIC_NAMES by default; a caller can add, e.g., officials named
  in the board's own documents) are kept through `Redactor(allow_names=...)`.

The module is pure: regular expressions and word sets are built once at import, with bounded repetition so
that no input, however long or odd, can make them backtrack for long. `redact` never raises on a `str`; if
an internal error ever happened it fails closed and returns "[redacted]" rather than the raw text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

KINDS = ("email", "phone", "nhs-number", "date", "postcode", "address", "name")
PUBLIC_NAMES = ("Victoria Climbié", "Victoria Climbie", "Peter Connelly", "Daniel Pelka", "Khyra Ishaq",
                "Hamzah Khan", "Keanu Williams", "Ellie Butler", "Arthur Labinjo-Hughes", "Star Hobson")
FAILED = "[redacted]"

# ---------------------------------------------------------------------------------------------------------
# Word lists: what may follow a cue without being a name, and common given names.
# ---------------------------------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Closed-class words. "will" and "may" are also given names: after a strong cue ("called will") they count.
_FUNCTION = _words("""
a an the this that these those there here my your his her its our their mine yours hers theirs me him them
us you i he she it we they who whom whose which what when where why how someone somebody anyone anybody
everyone everybody nobody no not nor and or but if then than so as at by for from in into of on onto off
out over under up down with without within about above across after against along among amongst around
before behind below beneath beside besides between beyond during except inside near outside past since
through throughout till to toward towards until upon via per is are was were be been being am isn't wasn't
aren't weren't has have had having hasn't haven't hadn't do does did done doing don't doesn't didn't will
would shall should can could may might must ought won't wouldn't can't cannot couldn't shouldn't also just
only even still already again too very really quite rather all any both each every few many more most much
some such other others another own same either neither none nothing something anything everything one two
three four five six seven eight nine ten eleven twelve first second third fourth fifth last next yes yet
though although because while whilst whether unless however therefore thus else ever never always often
sometimes usually now today tonight tomorrow yesterday soon later earlier recently currently previously
once twice back round away home etc aged age ages year years old yr yrs month months week weeks day days
morning afternoon evening night weekend time times it's he's she's they're i'm we're you're i've we've
they've i'd he'd she'd they'd let lets please thanks thank hi hello dear ok okay re regarding
""")
_NAMELIKE = _words("will may")
# Safeguarding terms, roles, family members, organisations and places.
_DOMAIN = _words("""
safeguarding safeguard protection protect protecting protected plan plans planning child children childs
child's young youth people person persons kid kids infant infants baby babies toddler teen teenager
teenagers adolescent minor minors family families parent parents parental carer carers care cared caring
social worker workers work working together team teams service services school schools nursery academy
college university primary secondary sixth form education educational health healthcare hospital gp gps
doctor doctors nurse nurses midwife midwives visitor visitors paediatrician police officer officers
ambulance paramedic mash lado camhs cse cce fgm cp cpp cin lac cla iro caf eha lscb lscp lsp dsp scr cspr
cdop dsl ddsl dv da marac mappa yot yos sen send senco ehcp ofsted dfe nhs nspcc childline barnardo
barnardos kooth cafcass referral referrals refer referring referred assessment assessments assess assessed
strategy discussion discussions meeting meetings conference conferences review reviews case cases caseload
section enquiry enquiries inquiry threshold thresholds level levels early help intervention interventions
support supported supporting abuse abused abusive abuser neglect neglected harm harmed harmful risk risks
concern concerns concerning worry worries worried disclosure disclosures disclosed allegation allegations
alleged exploitation exploited trafficking trafficked grooming groomed sexual sexually physical physically
emotional emotionally domestic violence violent injury injuries injured bruise bruises bruising bruised
fracture fractures mental wellbeing substance drug drugs alcohol misuse missing episode episodes runaway
premium unit units pru tutor teacher teachers teaching head headteacher deputy designated named
professional professionals practitioner practitioners agency agencies multi-agency partnership
partnerships board boards panel council councils authority authorities local national government guidance
policy policies procedure procedures protocol protocols report reports data figure figures number numbers
rate rates total percentage percent cent statistics inspection inspections inspector act law legal court
courts order orders proceedings hearing magistrates crown county justice custody bail prison probation
housing homeless accommodation foster fostering fostered adoption adopted adoptive kinship residential
placement placements placed looked leaver leavers private guardianship guardian sgo supervision consent
information sharing record records file notes confidentiality gdpr dbs trust hub front door duty advice
consultation escalation dispute resolution contact contacts visit visits appointment appointments
attendance absence exclusion excluded suspension truancy welfare elective voice attainment behaviour
behaviours self-harm suicide suicidal online internet radicalisation prevent channel gang gangs crime
criminal offence offences offending offender victim victims perpetrator perpetrators suspect witness
disability disabilities disabled autism autistic adhd learning difficulties needs need special pregnant
pregnancy unborn pre-birth antenatal postnatal birth newborn cot death deaths died bereavement serious
incident notification training course courses session sessions lead leads manager managers management
supervisor chair member members lay independent reviewing coordinator advocate interpreter solicitor
judge mum mom mummy mam mother mothers dad daddy father fathers brother brothers sister sisters son sons
daughter daughters sibling siblings grandparent grandparents grandma grandmother grandad granddad
grandfather nan nana nanny gran granny aunt auntie aunty uncle uncles cousin cousins boyfriend girlfriend
partner partners husband wife ex ex-partner stepdad stepmum stepfather stepmother step-dad step-mum friend
friends neighbour neighbours relative relatives household boy boys girl girls man men woman women male
female adult adults client clients pupil pupils student students learner learners user users name names
called known mr mrs ms mx dr prof redbridge ilford london essex havering barking dagenham newham hackney
waltham england britain uk
""")
# Nationalities, ethnic descriptions, months and days: after a cue, capitalised, they are not names.
_DESCRIPTIVE = _words("""
british english scottish welsh irish european asian african caribbean black white mixed polish romanian
lithuanian bulgarian albanian pakistani indian bangladeshi somali nigerian ghanaian eritrean afghan syrian
iraqi iranian turkish kurdish chinese vietnamese arab arabic muslim christian hindu sikh jewish catholic
roma traveller gypsy unaccompanied asylum refugee uasc january february march april june july august
september october november december monday tuesday wednesday thursday friday saturday sunday
""")
# Verbs, adjectives, adverbs and nouns that follow "mum", "pupil", "my client" ... in questions.
_GENERAL = _words("""
says said say saying told tells tell telling asked asks ask wants wanted want likes liked like loves loved
lives lived live living moved moves move moving goes went go going gone came comes come coming left leaves
leave leaving stays stayed stay staying works worked drinks drank drink drinking drunk uses used use using
smokes smoked smoking takes took take taking taken hit hits hitting smacked smacks smack slapped kicked
punched pushed shouted shouts shouting screamed threatened threatens refused refuses refusing denied
denies admitted admits reported reporting discloses alleges allegedly attends attended attend attending
missed misses miss arrived arrives returned returns ran runs run keeps kept keep got gets get getting gave
gives give seems seemed appears appeared looks looked feels felt thinks thought knows knew believes
believed claims claimed calls call contacted phoned phones rang emailed texted messaged visited sees saw
seen see met meets spoke speaks talked talks mentioned mentions explained explains shared shares agreed
agrees disagreed disagrees tried tries try hurt hurts assaulted attacked bit bites burned burnt scalded
shook shakes shaking grabbed locked dropped fell falls cried cries crying struggled struggles struggling
suffers suffered suffering passed collected collects picked brought brings sent sends received receives
became becomes remains remained continues continued started starts stopped stops began begins ended
presented presents displays displayed shows showed shown engaged engages disengaged declined declines
consented consents hates hated fears feared blames blamed accused arrested charged convicted released
sentenced detained cautioned interviewed informed notified advised confirmed requested requires required
lacks plays played sleeps slept eats ate fed feeds washed dressed swears swore drives drove posted filmed
watched watches wrote unknown pregnant unwell ill sick poorly vulnerable new former current previous
biological natural absent present involved upset angry aggressive intoxicated high unemployed isolated
anxious depressed scared frightened afraid happy sad late regularly frequently apparently reportedly
possibly probably maybe perhaps definitely clearly certainly normally generally heavily constantly
repeatedly occasionally rarely seriously badly severely tired hungry dirty unkempt thin overweight small
big tall short little older elder eldest younger youngest whole lone teenage issue issues problem problems
question questions situation history background attitude address phone email dob details date house flat
room bedroom car job benefits money debt food clothes bed phone tablet laptop holiday holidays christmas
lessons count counts counted abduction warning notice notices registration group groups marriage mortality matters
briefing arrangements development outcomes population psychologists secure control coercive
""")
# Common words that are also common surnames: a name may go on through them ("jayden white").
_SURNAME_WORDS = _words("""
white black brown green grey gray young king hill wood hall baker cook walker turner ward mason parker
carter cooper fisher bell bird fox little long short stone banks price day
""")
# Given names that are not English words; matched without a cue. Words like Grace, Hope, Will, Mark are left
# out (they are caught only after a cue).
_GIVEN_NAMES = _words("""
aaliyah aaron abdul caroline abdullah abigail adam adebayo adeel adriana ahmed ahmad aidan aisha alesha alex
alexander alexandra alexandru alfie ali alice alicia alisha amara amelia amina amir amira amy ana andre
andrea andrei andrew angela anna anthony archie arjun arthur aryan asha ashley ava ayaan ayesha barry
bella ben benjamin bilal billy bradley brandon callum carl cerys charlie charlotte chidi chloe chris
christopher claire clare connor craig daisy daniel danielle danny darren david dean declan demi dylan
edward eleanor elena elijah ellie elliot ellis emily emma ethan evie fatima filip finley florence
francesca freddie freya gabriel gary gemma george hamza hannah harriet harrison harry harvey hassan
hussain ibrahim imran ioana isaac isabel isabella isabelle isla jack jacob jade jakub james jamie jasmine
jason jay jayden jennifer jessica joanne joe john jonathan jordan joseph joshua julia julie kacper karen
kayden kayla keira kelly kevin kieran kofi kwame kyle laura lauren leah lee leo leon lewis liam lily lisa
logan louie louise lucas lucy luca luke maisie maria marcus maryam mason matilda matthew megan mia
michael michelle millie mohammed mohammad muhammad molly nathan natalie nicola noah nadia olivia oliver
oliwia omar oscar paige patrick paul peter poppy priya rachel rebecca reece reggie rhys riley riya robert
rohan ronnie ruby ryan samantha samuel sarah scott sean shannon sophia sophie stacey stephen steven
stuart szymon tariq theo thomas tia toby tommy tracey tyler tyrone victoria wayne william yusuf zainab
zara zoe zuzanna agnes charles moses frances ines dolores mercedes jules myles giles khaled muhammed
kimberly beverly nicholas douglas
""")
# Names with a verb ending, which a lower-case word after "mum" or "pupil" otherwise loses to _inflected().
_INFLECTED_NAMES = _words("blessing sterling fleming harding golding browning manning")
_NOT_INFLECTED = _GIVEN_NAMES | _INFLECTED_NAMES
# A given name right after these, or a name right before these, is a place or an institution.
_NAME_PLACE_BEFORE = _words("king queen prince princess st saint sir lady lord dame mount port")
_NAME_PLACE_AFTER = _words("""
hospital school academy primary college centre center house trust foundation fund institute university
library park hall court clinic surgery road street avenue lane close way law inquiry review report
children's memorial
""")

_COMMON = _FUNCTION | _DOMAIN | _DESCRIPTIVE | _GENERAL | _SURNAME_WORDS
_STRONG_STOP = (_FUNCTION - _NAMELIKE) | _DOMAIN          # "Mrs White", "called Will" are names
_STRONG_LOWER_STOP = _COMMON - _NAMELIKE - _SURNAME_WORDS  # "called teenage relationship abuse" is not
_ROLE_CAPITAL_STOP = _COMMON - _NAMELIKE                  # "mum White British", "Cousin Marriage"
_CONTINUE_STOP = _COMMON - _SURNAME_WORDS                 # "jayden white", but "jayden has"
# Surname particles: part of a name only with a name word after them ("jayden da silva").
_PARTICLES = _words("da de del della di dos das du van von der den al el bin ibn le la mac")

_POSTCODE_AREAS = _words("""
AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EC EH EN EX
FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE LL LN LS LU M ME MK ML N NE
NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ
TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE
""")
_STREET_WORDS = _words("school church station high park green hill mill market bridge college hospital "
                       "court manor farm new old north south east west main")
_ADDRESS_STOP = (_FUNCTION | _DOMAIN | _words("days weeks months years hours minutes children people cases "
                                              "referrals times families visits")) - _STREET_WORDS

# ---------------------------------------------------------------------------------------------------------
# Patterns. Every repetition is bounded or runs over one character class, so matching stays linear.
# ---------------------------------------------------------------------------------------------------------
_I = re.IGNORECASE
_EMAIL = re.compile(r"(?<![\w.+%'’-])[\w.+%'’-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|(?-i:May|MAY)|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
          r"|may(?=,?[ \t]{1,3}(?:(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?,?[ \t]{1,3})?(?:19|20)\d\d(?!\d)))"
          r"\.?(?![^\W\d_])")
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?(?!\d)"
_YEAR = r"(?:19|20)\d\d(?!\d)"
_TEXT_DATE = (rf"{_DAY}[ \t]{{1,3}}(?:of[ \t]{{1,3}})?{_MONTH}(?:,?[ \t]{{1,3}}{_YEAR})?"
              rf"|{_MONTH}[ \t]{{1,3}}(?:the[ \t]{{1,3}})?{_DAY}(?:,?[ \t]{{1,3}}{_YEAR})?")


def _numeric_date(sep: str) -> str:
    return rf"\d{{1,4}}(?P<{sep}>[/.\-])\d{{1,2}}(?P={sep})\d{{2,4}}(?:(?=T\d)|(?![\w/-]|[.,]\d))"


_BIRTH_DATE = re.compile(
    r"(?<!\w)(?P<cue>(?:d\.[ \t]?o\.[ \t]?b\.?|dob\b|date[ \t]+of[ \t]+birth|birth[ \t]?date|birthday"
    r"(?:[ \t]+is)?|born(?:[ \t]+(?:on|in))?)(?:[ \t]*(?:is|was|:|-|=)[ \t]*|[ \t]+)(?:the[ \t]+)?)"
    rf"(?P<date>{_TEXT_DATE}|{_numeric_date('bsep')}|{_MONTH},?[ \t]{{1,3}}{_YEAR}|{_YEAR}"
    r"|\d{1,2}[/.-]\d{1,2}(?![\d/.-]))", _I)
_TEXT_DATE_RE = re.compile(rf"(?<![\w.,/-])(?:{_TEXT_DATE})", _I)
_NUM_DATE_RE = re.compile(rf"(?<![\w.,/-]){_numeric_date('sep')}")
# A reporting cue before a quarter-end date ("as at 31 March 2017") keeps the date.
_REPORTING_CUE = re.compile(r"(?<!\w)(?:as[ \t]+(?:at|of)|at|between|from|to|until|till|and|ending|ended"
                            r"|end[ \t]+of|by|since|on)[ \t]+$", _I)
_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_QUARTER_ENDS = {(1, 1), (31, 3), (1, 4), (30, 6), (1, 7), (30, 9), (1, 10), (31, 12)}

_NUMBER_RUN = re.compile(r"(?<!\d)(?:\(?\+|\()?\d[\d \t().\-]{7,}")  # 8+ characters: no shorter phone
_DIGITS = re.compile(r"\d+")

_POSTCODE = re.compile(r"(?<!\w)(?P<area>[A-Z]{1,2})\d[A-Z\d]?(?P<inward>[ \t]?\d[A-Z]{2})?(?!\w)", _I)
_POSTCODE_CUE = re.compile(r"(?<!\w)(?:post[ \t]?code|(?:lives?|living|lived|resid(?:es|ing|ent)|based|moved"
                           r"|move|staying|stays)[ \t]+(?:in|to|at))[ \t]*:?[ \t]*$", _I)

_ADDRESS_WORD = r"[^\W\d_][\w'’\-]{0,30}"
_SUFFIX = (r"(?:street|st|road|rd|avenue|ave|lane|ln|close|crescent|cres|drive|dr|way|gardens|gdns|court|ct"
           r"|place|pl|grove|terrace|walk|mews|square|sq|park|row|rise|hill|green|parade|gate|path|view|mount"
           r"|wharf|yard|boulevard|broadway|chase|fields|meadows?|vale|approach|heights)\.?(?!\w)")
_FLAT = r"(?:flat|apartment|apt|maisonette)\.?[ \t]{0,3}\d{1,4}[a-z]?(?!\w)"
_ADDRESS = re.compile(
    rf"(?<!\w)(?:(?:{_FLAT}|unit[ \t]{{1,3}}\d{{1,4}}[a-z]?)[ \t]{{0,3}},?[ \t]{{0,3}})?"
    rf"\d{{1,4}}[a-z]?(?:[ \t]{{0,2}}-[ \t]{{0,2}}\d{{1,4}}[a-z]?)?,?[ \t]{{1,3}}"
    rf"(?P<words>{_ADDRESS_WORD}(?:[ \t]{{1,3}}{_ADDRESS_WORD}){{0,2}})[ \t]{{1,3}}{_SUFFIX}"
    rf"|(?<!\w){_FLAT}", _I)
_ADDRESS_CUED = re.compile(
    r"(?<!\w)(?P<cue>(?:lives|living|live|lived|resides|residing|staying|stays|moved|address[ \t]+is)"
    rf"[ \t]{{1,3}}(?:on|at|in|to)[ \t]{{1,3}})"
    rf"(?P<words>{_ADDRESS_WORD}(?:[ \t]{{1,3}}{_ADDRESS_WORD}){{0,2}})[ \t]{{1,3}}{_SUFFIX}", _I)

# Cue phrases, by how surely a name follows: after a strong cue any word but a stop word is a name ("called
# will"); after a role cue a lower-case word must also not be a common word ("mum drinks"); after a weak cue
# only a capitalised word counts ("the child dies", "partner agencies").
_NAME_CUE = re.compile(
    r"(?<![\w\[])(?:(?P<strong>called|named|name(?:['’]s|[ \t]+is|[ \t]+was|(?=[ \t]*:))|names[ \t]+are)"
    r"|(?P<title>mrs|mr|ms|mx|miss|dr|prof)\.?"
    r"|(?P<role>client|service[ \t]+user|pupil|student|learner|young[ \t]+person|yp|baby|infant|toddler"
    r"|teenager|son|daughter|(?:half|step)[ \t-]?(?:brother|sister|son|daughter|mum|mom|dad|mother|father)"
    r"|stepmum|stepdad|brother|sister|mum|mom|mummy|mam|dad|daddy|mother|father|grandma|grandmother|grandad"
    r"|granddad|grandfather|grandparent|nan|nana|nanny|gran|aunt|auntie|aunty|uncle|cousin|boyfriend"
    r"|girlfriend|husband|wife|sibling|known[ \t]+as|aka|alias|n[ée]e)"
    r"|(?P<weak>child|boy|girl|teen|parent|carer|partner))"
    r"(?![\w'’])(?:[ \t]*[:=][ \t]*|[ \t]+)[\"'“‘(]?", _I)
_TOKEN = re.compile(r"[^\W\d_](?:[^\W\d_]|['’\-](?=[^\W\d_])){0,39}")
_GAP = re.compile(r"\.?[ \t]{1,3}")
_PREVIOUS_WORD = re.compile(r"([^\W\d_]{1,20})\.?[ \t]{1,3}$")
_NEXT_WORD = re.compile(r"(?:['’]s)?[ \t]{1,3}([^\W\d_]{1,40})")
_LETTER_RUN = re.compile(r"[^\W\d_]+")
# First words of the patterns' cues, to skip a pass that cannot match.
_BIRTH_WORDS = _words("dob b birth birthday born")
_MONTHS_WORDS = _words("jan january feb february mar march apr april may jun june jul july aug august sep "
                       "sept september oct october nov november dec december")
_ADDRESS_WORDS = _words("flat apartment apt maisonette street st road rd avenue ave lane ln close crescent "
                        "cres drive dr way gardens gdns court ct place pl grove terrace walk mews square sq "
                        "park row rise hill green parade gate path view mount wharf yard boulevard broadway "
                        "chase fields meadow meadows vale approach heights")
_ADDRESS_CUE_WORDS = _words("lives living live lived resides residing staying stays moved address")
_CUE_WORDS = _words("""
called named name names mrs mr ms mx miss dr prof client service pupil student learner young yp baby infant
toddler teenager son daughter half step stepmum stepdad brother sister mum mom mummy mam dad daddy mother
father grandma grandmother grandad granddad grandfather grandparent nan nana nanny gran aunt auntie aunty
uncle cousin boyfriend girlfriend husband wife sibling known aka alias née nee child boy girl teen parent
carer partner
""")
_LETTERS3 = re.compile(r"[^\W\d_]{3}")


def nhs_number_valid(digits: str) -> bool:
    """True when `digits` (spaces and dashes allowed) is ten digits whose mod-11 check digit is right."""
    plain = digits.replace(" ", "").replace("-", "")
    if len(plain) != 10 or not plain.isdecimal():
        return False
    values = [int(ch) for ch in plain]
    check = 11 - sum(value * weight for value, weight in zip(values, range(10, 1, -1))) % 11
    if check == 11:
        check = 0
    return check != 10 and check == values[9]


class Redactor:
    """Replaces personal details with typed placeholders; `allow_names` are public names to keep."""

    def __init__(self, allow_names: Iterable[str] = PUBLIC_NAMES) -> None:
        self._allowed: set[frozenset[str]] = set()
        for name in allow_names:
            if not isinstance(name, str):
                raise TypeError(f"allow_names must hold strings, got {name!r}")
            tokens = [t.casefold() for t in _TOKEN.findall(name)]
            if not tokens:
                raise ValueError(f"allowed name {name!r} has no letters: give a full name such as 'John Goldup'")
            self._allowed.add(frozenset(tokens))

    def redact(self, text: str) -> str:
        return self.redact_with_counts(text)[0]

    def redact_with_counts(self, text: str) -> tuple[str, dict[str, int]]:
        """The redacted text and how many details of each kind were replaced (kinds found only).

        Should redaction itself fail, the text is "[redacted]" and the counts {"unredactable": 1}.
        """
        if not isinstance(text, str):
            raise TypeError(f"redact() takes a str, got {type(text).__name__}")
        counts: Counter[str] = Counter()
        try:
            # The words of the text decide which passes can find anything (a pass only removes words).
            words = frozenset(_LETTER_RUN.findall(text.casefold()))
            if "@" in text:
                text = _EMAIL.sub(lambda m: _count(counts, "email", "[email]"), text)
            if _DIGITS.search(text):
                if not words.isdisjoint(_BIRTH_WORDS):
                    text = _BIRTH_DATE.sub(lambda m: _count(counts, "date", m["cue"] + "[date]"), text)
                if not words.isdisjoint(_MONTHS_WORDS):
                    text = _TEXT_DATE_RE.sub(lambda m: _date(m, counts), text)
                text = _NUM_DATE_RE.sub(lambda m: _date(m, counts), text)
                text = _numbers(text, counts)
                text = _POSTCODE.sub(lambda m: _postcode(m, counts), text)
                if not words.isdisjoint(_ADDRESS_WORDS):
                    text = _ADDRESS.sub(lambda m: _address(m, counts, ""), text)
            if not words.isdisjoint(_ADDRESS_CUE_WORDS) and not words.isdisjoint(_ADDRESS_WORDS):
                text = _ADDRESS_CUED.sub(lambda m: _address(m, counts, m["cue"]), text)
            if not words.isdisjoint(_CUE_WORDS):
                text = self._cued_names(text, counts)
            if present := words & _GIVEN_NAMES:
                text = self._listed_names(text, counts, present)
        except Exception:  # noqa: BLE001 - fail closed: never write text that could not be redacted
            return FAILED, {"unredactable": 1}
        return text, {kind: counts[kind] for kind in KINDS if counts[kind]}

    # -- names ---------------------------------------------------------------------------------------------
    def _cued_names(self, text: str, counts: Counter[str]) -> str:
        out: list[str] = []
        last = 0
        for word in _LETTER_RUN.finditer(text):
            if word.start() < last or word.group().casefold() not in _CUE_WORDS:
                continue
            cue = _NAME_CUE.match(text, word.start())
            if cue is None:
                continue
            mode = "strong" if cue["strong"] or cue["title"] else "role" if cue["role"] else "capital"
            span = self._name_after(text, cue.end(), mode)
            if span is None or self._is_allowed(span[2]):
                continue
            out += [text[last:span[0]], "[name]"]
            counts["name"] += 1
            last = span[1]
        return "".join(out) + text[last:] if out else text

    def _name_after(self, text: str, pos: int, mode: str) -> tuple[int, int, list[str]] | None:
        """The span of the name right after a cue, or None ("my client is Jayden" skips the "is")."""
        first = _TOKEN.match(text, pos)
        if first is not None and mode in ("role", "capital") and first.group().casefold() in ("is", "was"):
            gap = _GAP.match(text, first.end())
            if gap is None or gap.group().startswith("."):
                return None
            pos, mode = gap.end(), "capital"
        return self._name_span(text, pos, mode)

    def _name_span(self, text: str, pos: int, mode: str, continuing: bool = False,
                   cased: bool = False) -> tuple[int, int, list[str]] | None:
        """Start, end and words of up to four name words from `pos` ("'s" stays outside), or None.

        `continuing`: the words go on a name already found; `cased`: that name was capitalised, so a
        lower-case word ends it ("John Goldup chairs").
        """
        start, end, words, pending = pos, None, [], False
        for _ in range(4):
            token = _TOKEN.match(text, pos)
            if token is None or (token.end() < len(text) and text[token.end()].isalnum()):
                break
            word = token.group()
            core = word[:-2] if len(word) > 3 and word[-2:].casefold() in ("'s", "’s") else word
            verdict = _verdict(core, mode, continuing or end is not None or pending)
            if verdict == "yes" and cased and not core[0].isupper():
                verdict = "no"
            if verdict == "no":
                break
            if verdict == "yes":
                end, pending = token.start() + len(core), False
                words.append(core)
            else:
                pending = True
            gap = _GAP.match(text, token.end())
            if core != word or gap is None or (gap.group().startswith(".") and len(core) > 1):
                break
            pos = gap.end()
        return None if end is None else (start, end, words)

    def _is_allowed(self, words: list[str]) -> bool:
        """Only a public name written in full is kept: "Hamzah Khan" is public, "Mr Khan" is anyone."""
        folded = frozenset(w.casefold() for w in words)
        return bool(words) and folded in self._allowed

    def _listed_names(self, text: str, counts: Counter[str], present: Iterable[str]) -> str:
        """Given names from the list (`present`: those among the text's words), with the surname that
        follows, wherever they stand; not "King George Hospital" nor "Sarah's Law"."""
        hits = sorted(m.span() for name in present for m in _given_name(name).finditer(text))
        out: list[str] = []
        last = 0
        for start, end in hits:
            before = _PREVIOUS_WORD.search(text, max(0, start - 24), start)
            if start < last or (before is not None and before[1].casefold() in _NAME_PLACE_BEFORE):
                continue
            words = [text[start:end]]
            gap = _GAP.match(text, end)
            if gap is not None and not gap.group().startswith("."):
                rest = self._name_span(text, gap.end(), "role", continuing=True, cased=text[start].isupper())
                if rest is not None:
                    end = rest[1]
                    words += rest[2]
            after = _NEXT_WORD.match(text, end)
            if (after is not None and after[1].istitle() and after[1].casefold() in _NAME_PLACE_AFTER
                    or self._is_allowed(words)):
                continue
            out += [text[last:start], "[name]"]
            counts["name"] += 1
            last = end
        return "".join(out) + text[last:] if out else text


@lru_cache(maxsize=None)
def _given_name(name: str) -> re.Pattern[str]:
    """One listed given name as a whole word (with a hyphenated second part: "Jayden-Lee")."""
    return re.compile(rf"(?<![\w\[\-'’]){re.escape(name)}(?:-[^\W\d_]{{1,30}}){{0,3}}(?![^\W\d_])", _I)


def _verdict(core: str, mode: str, continuing: bool) -> str:
    """Whether a word after a cue is part of a name: "yes", "no", or "maybe" for an initial or a particle
    ("J", "da"), which count only when a name word follows.

    mode "strong" (after "called", "named", "Mrs" ...): any word but a stop word; "role" (after "mum",
    "pupil", "my client" ...): a lower-case word must not be a common word nor look like a verb;
    "capital" (after "child", "partner" ...): capitalised words only.
    """
    folded = core.casefold()
    if len(core) == 1:
        return "no" if folded in ("a", "i") else "maybe"
    if folded in _PARTICLES:
        return "maybe"
    capitalised = core[0].isupper() and not core.isupper()
    if continuing:
        stop = _CONTINUE_STOP
    elif mode == "strong":
        stop = _STRONG_STOP if capitalised else _STRONG_LOWER_STOP
    elif capitalised:
        stop = _ROLE_CAPITAL_STOP
    elif mode == "capital":
        return "no"
    elif _inflected(folded) and folded not in _NOT_INFLECTED:
        return "no"  # "mum drinks", "dad refused", "mother retains", "young person chooses"
    else:
        stop = _COMMON
    return "no" if folded in stop else "yes"


def _inflected(word: str) -> bool:
    """A verb or adverb ending: "drinks", "refused", "shouting", "regularly". Endings that also end names
    are left out (Ross, Marcus, Lewis, Carlos, Thomas, Rasheed); short words must be in the word lists."""
    if word.endswith("s"):
        return len(word) > 3 and not word.endswith(("ss", "us", "is", "os", "as"))
    return (len(word) >= 6 and word.endswith(("ed", "ing")) and not word.endswith("eed")
            or len(word) >= 7 and word.endswith("ly"))


# -- the other kinds ----------------------------------------------------------------------------------------
def _count(counts: Counter[str], kind: str, replacement: str) -> str:
    counts[kind] += 1
    return replacement


def _date(match: re.Match[str], counts: Counter[str]) -> str:
    date = match.group()
    numbers = [int(n) for n in _DIGITS.findall(date)]
    month_name = _LETTERS3.search(date)
    if month_name is not None:
        month = _MONTHS.get(month_name.group().casefold()[:3], 0)
        day = numbers[0] if numbers else 0
    else:
        parts = re.split(r"[/.\-]", date)
        if not _numeric_date_ok(parts, dotted="." in date):
            return match.group()
        day, month = (numbers[2], numbers[1]) if len(parts[0]) == 4 else (numbers[0], numbers[1])
    start = match.start()
    if (day, month) in _QUARTER_ENDS and _REPORTING_CUE.search(match.string, max(0, start - 16), start):
        return date
    return _count(counts, "date", "[date]")


def _numeric_date_ok(parts: list[str], dotted: bool) -> bool:
    """A plausible d/m/y, m/d/y or y-m-d date; dotted ones need two-digit day and month ("12.03.15", not
    the paragraph number "4.2.10")."""
    if len(parts) != 3 or not all(p.isdecimal() for p in parts):
        return False
    a, b, c = (int(p) for p in parts)
    if len(parts[0]) == 4:
        return 1900 <= a <= 2099 and 1 <= b <= 12 and 1 <= c <= 31 and len(parts[2]) <= 2
    if len(parts[0]) == 3 or len(parts[2]) == 3 or (dotted and (len(parts[0]), len(parts[1])) != (2, 2)):
        return False
    return (1 <= a <= 31 and 1 <= b <= 12) or (1 <= a <= 12 and 1 <= b <= 31)


def _postcode(match: re.Match[str], counts: Counter[str]) -> str:
    """Full postcodes always; an outward code alone when its area is real and, for a one-letter area
    ("E11", and "S47" which is also section 47), after a cue such as "postcode" or "lives in"."""
    if not match["inward"]:
        area, start = match["area"].upper(), match.start()
        if area not in _POSTCODE_AREAS or (
                len(area) == 1 and not _POSTCODE_CUE.search(match.string, max(0, start - 24), start)):
            return match.group()
    return _count(counts, "postcode", "[postcode]")


def _address(match: re.Match[str], counts: Counter[str], cue: str) -> str:
    words = (match["words"] or "").split()
    if any(word.casefold() in _ADDRESS_STOP for word in words):
        return match.group()
    return _count(counts, "address", cue + "[address]")


def _numbers(text: str, counts: Counter[str]) -> str:
    """Phone numbers and NHS numbers: each run of digits and separators is split into the ones it holds."""
    out: list[str] = []
    last = 0
    for run in _NUMBER_RUN.finditer(text):
        base, chunk = run.start(), run.group()
        groups = [(m.start(), m.end(), _ascii_digits(m.group())) for m in _DIGITS.finditer(chunk)]
        joinable = [len(chunk[groups[k][1]:groups[k + 1][0]]) <= 3 for k in range(len(groups) - 1)]
        intl = chunk.lstrip("(").startswith("+")
        i = 0
        while i < len(groups):
            found = _number_at(groups, joinable, i, intl and i == 0)
            if found is None:
                i += 1
                continue
            j, kind = found
            start, end = groups[i][0], groups[j][1]
            if i == 0 and intl:
                start = 0
            elif start > 0 and chunk[start - 1] == "(" and ")" in chunk[start:end]:
                start -= 1
            out += [text[last:base + start], f"[{kind}]"]
            counts[kind] += 1
            last = base + end
            i = j + 1
    return "".join(out) + text[last:] if out else text


def _ascii_digits(digits: str) -> str:
    """ASCII digits for any decimal digits ("０７７００" typed on a phone keyboard)."""
    return digits if digits.isascii() else "".join(str(int(ch)) for ch in digits)


def _number_at(groups: list[tuple[int, int, str]], joinable: list[bool], i: int,
               intl: bool) -> tuple[int, str] | None:
    """(last group, kind) of a phone or NHS number starting at group i, or None."""
    if intl:
        j = _phone_end(groups, joinable, i, intl=True)
        if j is not None:
            return j, "phone"
    lengths = [len(g[2]) for g in groups[i:i + 3]]
    nhs_end = None
    if lengths[0] == 10:
        nhs_end = i
    elif lengths == [3, 3, 4] and joinable[i] and joinable[i + 1]:
        nhs_end = i + 2
    phone_end = _phone_end(groups, joinable, i, intl=False)
    if nhs_end is not None:
        digits = "".join(g[2] for g in groups[i:nhs_end + 1])
        if nhs_number_valid(digits) or phone_end is None:
            return nhs_end, "nhs-number"
    return (phone_end, "phone") if phone_end is not None else None


def _phone_end(groups: list[tuple[int, int, str]], joinable: list[bool], i: int, intl: bool) -> int | None:
    digits, best = "", None
    for j in range(i, len(groups)):
        if j > i and not joinable[j - 1]:
            break
        group = groups[j][2]
        if not intl and len(group) < 2:
            break
        digits += group
        if len(digits) > 15:
            break
        if _phone_digits_ok(digits, intl):
            best = j
    return best


def _phone_digits_ok(digits: str, intl: bool) -> bool:
    if not intl and digits.startswith("00"):
        return _phone_digits_ok(digits[2:], intl=True)
    if intl:
        if digits.startswith("44"):
            national = digits[2:]
            national = national[1:] if national.startswith("0") else national
            return 9 <= len(national) <= 10 and national[0] != "0"
        return 8 <= len(digits) <= 15
    return digits.startswith("0") and len(digits) in (10, 11) and digits[1] != "0"


_DEFAULT = Redactor()


def redact(text: str) -> str:
    """`text` with emails, phone and NHS numbers, dates, postcodes, addresses and names replaced."""
    return _DEFAULT.redact(text)


def redaction_counts(text: str) -> dict[str, int]:
    """How many details of each kind `redact(text)` replaces, for metrics: {"name": 1, "date": 1}."""
    return _DEFAULT.redact_with_counts(text)[1]
