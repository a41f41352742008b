"""Schema of the taxonomy: event families (the cues of each event type, by language, with the subject that
decides them where it matters), severity rules, and what makes an item a publication or a registry page.

It is configuration: `data/taxonomy.yaml` is loaded through `pipewatch.config.load_data_file` and validated
here, so adding a cue or a language needs no code. What can be checked at load time is: regular expressions
compile, languages are known, every family has a cue, every event type has a default severity.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator

from pipewatch.domain.models import EVENT_PRIORITY, EventType, Severity
from pipewatch.domain.watch.schema import FROZEN, Pattern, check_patterns, checked_patterns

# Languages written with spaces between words, whose cues are matched over normalised text. Japanese,
# Chinese and Korean cues are `cjk_patterns` (matched anywhere in the raw field).
LANGUAGES = ("en", "it", "fr", "de", "es", "pt", "nl")


def check_languages(
    value: dict[str, tuple[str, ...]], info: ValidationInfo | None = None
) -> dict[str, tuple[str, ...]]:
    """Cues grouped by language: known language codes, at least one valid pattern each (the patterns
    checked unless `info` says the build did, see `checked_patterns`)."""
    for language, patterns in value.items():
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}: group cues under one of {', '.join(LANGUAGES)}")
        if not patterns:
            raise ValueError(f"language {language!r} lists no cue")
        if info is None:
            check_patterns(patterns)
        else:
            checked_patterns(patterns, info)
    return value


class Subject(BaseModel):
    """Who decides a verb: `cues` count only after one of `who`, at most `gap` words before the verb ("FDA
    backs", "EU regulators clear", "a study hits"). A verb alone there is ordinary language ("analysts back
    the stock", "shares hit a high")."""

    model_config = FROZEN

    who: tuple[Pattern, ...] = Field(min_length=1)
    gap: int = Field(default=3, ge=0, le=8)
    cues: dict[str, tuple[Pattern, ...]] = Field(min_length=1)

    @field_validator("who")
    @classmethod
    def _who(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        return checked_patterns(value, info)

    @field_validator("cues")
    @classmethod
    def _cues(cls, value: dict[str, tuple[str, ...]], info: ValidationInfo) -> dict[str, tuple[str, ...]]:
        return check_languages(value, info)

    def pattern(self) -> str:
        """One pattern: a subject, up to `gap` words, a verb of any language."""
        verbs = "|".join(f"(?:{p})" for patterns in self.cues.values() for p in patterns)
        who = "|".join(f"(?:{p})" for p in self.who)
        return f"(?:{who}) (?:\\S+ ){{0,{self.gap}}}(?:{verbs})"


# Words that end a noun phrase: a relative clause, a preposition or a conjunction starts there. The verbs are
# in seven languages, so are the prepositions ("stoppt Studie mit X", "arrete l'essai de X": a trial stopped).
# A set, checked on a drug-object match's words (Classifier._verb_before): cheaper than a lookahead per word.
_NOUN_PHRASE_ENDS = (
    "that which who whose to in at for after as with by from on of and but than"
    " mit von fur fuer bei zur zum nach gegen de du des avec pour sur chez contre au aux"
    " di del della dello dei degli delle con per su sul sulla al alla allo da dal dalla"
    " para por sobre do dos das com em no na ao van met voor naar tegen"
)
NOT_IN_A_NOUN_PHRASE = frozenset(_NOUN_PHRASE_ENDS.split(" "))


class DrugObject(BaseModel):
    """Verbs that count only with the watched drug as their object, at most `gap` words before its name
    ("Biogen shuts down its Alzheimer's drug Aduhelm", "halts X"): the same verb with another object is
    ordinary language ("shuts down a plant"). Not when one of `cancel_after` follows the name within three
    words ("halts X trial" is the trial's status, not the drug's)."""

    model_config = FROZEN

    gap: int = Field(default=2, ge=0, le=6)
    cues: dict[str, tuple[Pattern, ...]] = Field(min_length=1)
    cancel_after: tuple[Pattern, ...] = ()

    @field_validator("cues")
    @classmethod
    def _cues(cls, value: dict[str, tuple[str, ...]], info: ValidationInfo) -> dict[str, tuple[str, ...]]:
        return check_languages(value, info)

    @field_validator("cancel_after")
    @classmethod
    def _after(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        return checked_patterns(value, info)

    def pattern(self) -> str:
        """A verb of any language, then up to `gap` words of one noun phrase (no clause or preposition
        between: "shuts down a plant that made X" has another object), ending where the drug's name starts."""
        verbs = "|".join(f"(?:{p})" for patterns in self.cues.values() for p in patterns)
        return f" (?:{verbs}) (?P<np>(?:\\S+ ){{0,{self.gap}}})$"


class EventRule(BaseModel):
    """One event family: how the press writes one kind of event ("approvals", "rejections", "program
    dropped"), as cues by language, plus language-free `patterns` (acronyms, numbers) and `subject` cues that
    count only after the actor that decides them. Patterns are regular expressions over the normalised text:
    lower case, accents folded, every run of punctuation or space turned into one space (so write "phase 3",
    not "Phase-3"). They match whole words. A weak family (update, mentions) counts only when no strong cue is
    found."""

    model_config = FROZEN

    family: str = ""
    event: EventType
    label: str = ""
    patterns: tuple[Pattern, ...] = ()
    cues: dict[str, tuple[Pattern, ...]] = {}
    subject: Subject | None = None
    drug_object: DrugObject | None = None
    weak: bool = False
    # The company decides this event itself, so its announced plan is the event ("plans to discontinue",
    # "will stop developing"): hedges do not apply to these cues.
    plan_is_event: bool = False
    # Participles of this family that modify a noun right after a determiner or preposition (the taxonomy's
    # `modifier_before`): "production of FDA-approved gene therapy" names an approved drug, approves nothing.
    attributive: tuple[Pattern, ...] = ()
    # Extra words that cancel a cue of this rule when they come just before it ("no safety signal").
    cancel_before: tuple[Pattern, ...] = ()
    # Cues in scripts written without spaces (Japanese, Chinese): matched anywhere in a non-ASCII field.
    cjk_patterns: tuple[Pattern, ...] = ()
    # The severity of every event this family decides, when each kind of phrasing it covers has the same
    # urgency (a rejection, a program dropped): the severity rules' own phrase lists then cannot lag behind
    # the family's verbs (a drug-object verb, a regulator's subject verb, a CJK cue).
    severity: Severity | None = None

    @field_validator("patterns", "cancel_before", "cjk_patterns", "attributive")
    @classmethod
    def _patterns(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        return checked_patterns(value, info)

    @field_validator("cues")
    @classmethod
    def _cues(cls, value: dict[str, tuple[str, ...]], info: ValidationInfo) -> dict[str, tuple[str, ...]]:
        return check_languages(value, info)

    @model_validator(mode="after")
    def _has_a_cue(self) -> EventRule:
        if not self.patterns and not self.cues and self.subject is None and self.drug_object is None:
            name = self.family or self.label or self.event
            raise ValueError(
                f"event family {name!r} has no cue: give patterns, cues by language or a subject"
            )
        return self

    def all_patterns(self) -> tuple[str, ...]:
        """Every cue as one list: language-free patterns, each language's in the order written, then the
        subject's cues (each a subject, a few words, a verb)."""
        by_language = (p for patterns in self.cues.values() for p in patterns)
        subject = (self.subject.pattern(),) if self.subject is not None else ()
        return (*self.patterns, *by_language, *subject)


class SeverityRule(BaseModel):
    """For items of `event`, the first rule whose patterns match (title first, then summary) sets the
    severity; a rule without patterns is the default for the event type."""

    model_config = FROZEN

    event: EventType
    severity: Severity
    label: str = Field(min_length=1)
    patterns: tuple[Pattern, ...] = ()  # words of any language (numbers, acronyms: "phase 3", "crl")
    cues: dict[str, tuple[Pattern, ...]] = {}  # the phrasing of each language (see `LANGUAGES`)
    cjk_patterns: tuple[Pattern, ...] = ()  # matched anywhere in a non-ASCII field
    # The highest phase of a watched trial the item names (from the watchlist) that sets this severity, for
    # a readout named only by its trial ("topline results from ADVANCE-SC" is a phase 3 readout).
    watched_trial_phase: int | None = Field(default=None, ge=1, le=4)
    # Only the title's phrasing counts: the headline says what the item is about ("launches" in a headline
    # is a launch; in an earnings release's summary it is one line of the quarter).
    title_only: bool = False
    # A company's stated plan is the decision ("plans to discontinue"): only speculation hedges apply.
    plan_is_event: bool = False

    @field_validator("patterns", "cjk_patterns")
    @classmethod
    def _patterns(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        return checked_patterns(value, info)

    @field_validator("cues")
    @classmethod
    def _cues(cls, value: dict[str, tuple[str, ...]], info: ValidationInfo) -> dict[str, tuple[str, ...]]:
        return check_languages(value, info)

    def all_patterns(self) -> tuple[str, ...]:
        """The language-free patterns, then each language's, in the order written."""
        return (*self.patterns, *(p for patterns in self.cues.values() for p in patterns))

    @property
    def is_default(self) -> bool:
        return not self.all_patterns() and not self.cjk_patterns and self.watched_trial_phase is None


class RegistryRule(BaseModel):
    """What makes an item a trial-registry or trial-finder page (a listing, not news): its event is `event`
    (a registered trial and its recruitment status) whatever words its protocol title uses ("efficacy")."""

    model_config = FROZEN

    event: EventType = "trial_status"
    doc_types: tuple[str, ...] = ("registry",)
    source_patterns: tuple[Pattern, ...] = ()  # over the normalised source name
    url_patterns: tuple[Pattern, ...] = ()  # over the lower-cased URL
    title_patterns: tuple[Pattern, ...] = ()  # over the lower-cased raw title: the shape of a protocol title
    # A registry page of posted results (over the lower-cased URL, then title) is `results`, not a listing.
    results_patterns: tuple[Pattern, ...] = ()

    @field_validator("source_patterns", "url_patterns", "title_patterns", "results_patterns")
    @classmethod
    def _patterns(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        return checked_patterns(value, info)


class PublicationRule(BaseModel):
    """What makes an item a journal article or congress abstract (event `publication`, whatever it says)."""

    model_config = FROZEN

    doc_types: tuple[str, ...] = ("publication",)
    # over the normalised source ("Lancet Rheumatology (PubMed 36923454)" -> "lancet rheumatology pubmed ...")
    source_patterns: tuple[Pattern, ...] = ()
    # over the lower-cased raw title, punctuation kept (journal titles: "...: a phase 2, randomised trial")
    title_patterns: tuple[Pattern, ...] = ()
    # over the start of the raw summary: the headings of a structured abstract ("Background: ...")
    summary_patterns: tuple[Pattern, ...] = ()

    @field_validator("source_patterns", "title_patterns", "summary_patterns")
    @classmethod
    def _patterns(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        return checked_patterns(value, info)


class QuestionRule(BaseModel):
    """A headline that asks ("Will X win approval?", "Wird X zugelassen?") reports no event: it is `event`
    (commentary), whatever verb it asks about. Patterns are over the lower-cased raw title (the question mark
    is kept); none means no question check."""

    model_config = FROZEN

    event: EventType = "commentary"
    title_patterns: tuple[Pattern, ...] = ()

    @field_validator("title_patterns")
    @classmethod
    def _patterns(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        return checked_patterns(value, info)


class Governs(BaseModel):
    """A decision that governs its headline over a cue of an event that outranks it, when that cue stands in
    a reason clause after the decision ("deprioritizes X months after data", "drops X following a phase 2
    miss"): the company's decision is the news, the data its reason."""

    model_config = FROZEN

    event: EventType
    over: tuple[EventType, ...] = Field(min_length=1)
    reason: tuple[Pattern, ...] = Field(min_length=1)  # words that open a reason clause

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        return checked_patterns(value, info)


class CjkClause(BaseModel):
    """A CJK cue of `event` read as `becomes` when its clause (no sentence punctuation between) names one of
    `before` ahead of it, any number of words away: Korean "임상 1상시험 계획이 식약처의 승인을
    받았다" approves a trial plan (a trial start), not a medicine."""

    model_config = FROZEN

    event: EventType
    becomes: EventType
    before: tuple[Pattern, ...] = Field(min_length=1)
    reach: int = Field(default=40, ge=1, le=120)  # characters of the clause looked at before the cue


class Taxonomy(BaseModel):
    model_config = FROZEN

    version: int = 1
    priority: tuple[EventType, ...] = EVENT_PRIORITY
    default_event: EventType = "commentary"
    # Words that make a cue a plan or a hope rather than an event ("plans to file", "seek approval").
    hedges: tuple[Pattern, ...] = ()
    hedge_window: int = Field(default=32, ge=0, le=200)
    # A headline's event (key) whose reason the summary may state (values): "trials paused" over "the agency
    # asked the company to place a hold" is a safety-driven stop.
    reason_in_summary: dict[EventType, tuple[EventType, ...]] = {}
    # The hedges that still apply where a company's plan is the event (`plan_is_event`): speculation and
    # reported talk ("may drop", "mulls scrapping"), not the company's own stated intent ("plans to drop").
    speculation: tuple[Pattern, ...] = ()
    # Determiners and prepositions that make a family's `attributive` participle right after them (one word,
    # such as a regulator's name, may stand between) a modifier of a noun, not the event.
    modifier_before: tuple[Pattern, ...] = ()
    # Japanese puts the hedge after the verb (申請予定, "filing planned"): these cancel a CJK cue they follow.
    cjk_hedges_after: tuple[Pattern, ...] = ()
    cjk_hedge_window: int = Field(default=6, ge=0, le=50)
    governs: tuple[Governs, ...] = ()
    cjk_clauses: tuple[CjkClause, ...] = ()
    events: tuple[EventRule, ...] = Field(min_length=1)
    severity: tuple[SeverityRule, ...] = Field(min_length=1)
    publication: PublicationRule = PublicationRule()
    registry: RegistryRule = RegistryRule()
    questions: QuestionRule = QuestionRule()

    @field_validator("hedges", "cjk_hedges_after", "modifier_before", "speculation")
    @classmethod
    def _patterns(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        return checked_patterns(value, info)

    @model_validator(mode="after")
    def _consistent(self) -> Taxonomy:
        if sorted(self.priority) != sorted(EVENT_PRIORITY):
            raise ValueError(f"priority must list every event type exactly once: {', '.join(EVENT_PRIORITY)}")
        defaults = {rule.event for rule in self.severity if rule.is_default}
        missing = [event for event in EVENT_PRIORITY if event not in defaults]
        if missing:
            raise ValueError(f"severity: no default rule (a rule without patterns) for {', '.join(missing)}")
        return self
