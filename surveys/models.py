"""Survey values feed the engine's `survey` leaves: one value in 0…1 per agency × survey leaf; the
questionnaires, sample plans, responses and answers they are aggregated from."""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from parindex.formatting import moment_text
from parindex.jobs import BackgroundJob
from scoring.engine import STORED_PLACES

SHOWN = Decimal("0.000001")  # a survey value as people read it: 6 decimals (0,899500)


def stored_value(value: Decimal | Fraction) -> Decimal:
    """A survey value as stored and scored: within 0…1, rounded up (toward +∞) to STORED_PLACES
    decimals, from the exact value (a Fraction, or a Decimal as imported). Upward, so that an exact value
    whose points max × value fall on a half cent (5/24 of max 3: 0,625) is never scored a hair below it;
    the argument is in docs/formats.md, "Rounding once"."""
    exact = min(max(Fraction(value), Fraction(0)), Fraction(1))
    scaled = -(-exact.numerator * 10**STORED_PLACES // exact.denominator)  # the ceiling, in integers
    return Decimal(f"{scaled}E-{STORED_PLACES}")  # the constructor is exact; arithmetic would round


def shown_value(value: Decimal) -> Decimal:
    """The value as screens show it: rounded half up to 6 decimals, as it was stored before."""
    return value.quantize(SHOWN, ROUND_HALF_UP)


class SurveyValueSource(models.TextChoices):
    AGGREGATED = "aggregated", _("Aggregated from responses")
    IMPORTED = "imported", _("Imported")
    MANUAL = "manual", _("Entered by hand")


class SurveyValue(models.Model):
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="survey_values"
    )
    node = models.ForeignKey(
        "scoring.CriteriaNode",
        verbose_name=_("survey criterion"),
        on_delete=models.PROTECT,
        related_name="survey_values",
    )
    # The snapshot's 30 decimals, rounded up (stored_value): docs/formats.md, "Rounding once", says why
    # this rounding changes no published figure.
    value = models.DecimalField(_("value (0…1)"), max_digits=STORED_PLACES + 1, decimal_places=STORED_PLACES)
    respondents = models.PositiveIntegerField(_("respondents"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=SurveyValueSource.choices, default=SurveyValueSource.AGGREGATED
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "node"], name="one_survey_value_per_agency_leaf"),
            models.CheckConstraint(
                condition=models.Q(value__gte=0) & models.Q(value__lte=1), name="survey_value_0_to_1"
            ),
        ]
        verbose_name = _("survey value")
        verbose_name_plural = _("survey values")

    def __str__(self):
        return f"{self.agency} · {self.node.code}: {shown_value(self.value)}"


# Questionnaires: what is asked, of whom, about which agencies, and how answers turn into a value.


class Questionnaire(models.Model):
    """One sociological questionnaire of a period about the agencies of one target block."""

    period = models.ForeignKey(
        "agencies.Period", verbose_name=_("period"), on_delete=models.PROTECT, related_name="questionnaires"
    )
    block = models.ForeignKey(
        "agencies.Block",
        verbose_name=_("target block"),
        on_delete=models.PROTECT,
        related_name="questionnaires",
    )
    code = models.SlugField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=255)
    # Who imported or replaced it, when, and from which document (surveys.formats.store): its questions,
    # coefficients and weights decide how the answers score, and it may be replaced until approval.
    history = HistoricalRecords()

    class Meta:
        ordering = ["period", "block__position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["period", "code"], name="unique_questionnaire_code_in_period")
        ]
        # What the survey pages and API ask (surveys.permissions): survey operators and Home Affairs.
        permissions = [("operate_surveys", _("Can enter, import and follow survey responses"))]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self):
        return self.title


class RespondentGroup(models.Model):
    """Who answers (council delegates, Fatherland Front leaders, citizens…); leaves weigh groups."""

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.CASCADE, related_name="groups"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=255)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["questionnaire", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "code"], name="unique_group_code_in_questionnaire"
            )
        ]
        verbose_name = _("respondent group")
        verbose_name_plural = _("respondent groups")

    def __str__(self):
        return self.name


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.CASCADE, related_name="questions"
    )
    number = models.CharField(_("number"), max_length=16)
    text = models.TextField(_("text"))
    node = models.ForeignKey(
        "scoring.CriteriaNode",
        verbose_name=_("survey criterion"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_questions",
        help_text=_("The survey leaf this question scores; empty for SIPAS-only or informative questions."),
    )
    is_sipas = models.BooleanField(
        _("SIPAS question"),
        default=False,
        help_text=_("Counted in the satisfaction share (satisfied or very satisfied)."),
    )
    sipas_element = models.CharField(_("SIPAS element"), max_length=120, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["questionnaire", "position", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"], name="unique_question_number_in_questionnaire"
            )
        ]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return f"{self.number}. {self.text}"


class AnswerOption(models.Model):
    """One printed choice; a NULL coefficient means "don't know", left out of every mean."""

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="options"
    )
    key = models.CharField(_("key"), max_length=16, help_text=_("What is entered or imported, e.g. 1…5."))
    label = models.CharField(_("label"), max_length=255)
    coefficient = models.DecimalField(
        _("coefficient (0…1)"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Empty for “don't know”: such answers are left out of the means."),
    )
    satisfied = models.BooleanField(
        _("satisfied"),
        default=False,
        help_text=_("SIPAS questions: this choice counts as satisfied or very satisfied."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["question", "position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["question", "key"], name="unique_option_key_in_question"),
            models.CheckConstraint(
                condition=models.Q(coefficient__isnull=True)
                | (models.Q(coefficient__gte=0) & models.Q(coefficient__lte=1)),
                name="option_coefficient_0_to_1",
            ),
            models.CheckConstraint(
                condition=models.Q(satisfied=False) | models.Q(coefficient__isnull=False),
                name="dont_know_is_not_satisfied",
            ),
        ]
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")

    def __str__(self):
        return f"{self.key}. {self.label}"


class GroupWeight(models.Model):
    """The weight of one respondent group in one survey leaf's value."""

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.CASCADE, related_name="weights"
    )
    node = models.ForeignKey(
        "scoring.CriteriaNode",
        verbose_name=_("survey criterion"),
        on_delete=models.PROTECT,
        related_name="survey_group_weights",
    )
    group = models.ForeignKey(
        RespondentGroup, verbose_name=_("respondent group"), on_delete=models.CASCADE, related_name="weights"
    )
    weight = models.DecimalField(_("weight"), max_digits=9, decimal_places=4)

    class Meta:
        ordering = ["questionnaire", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "node", "group"], name="one_weight_per_leaf_and_group"
            ),
            models.CheckConstraint(condition=models.Q(weight__gte=0), name="group_weight_not_negative"),
        ]
        verbose_name = _("group weight")
        verbose_name_plural = _("group weights")

    def __str__(self):
        return f"{self.node.code} · {self.group}: {self.weight}"


class SamplePlan(models.Model):
    """How many questionnaires of one group are planned about one agency."""

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.CASCADE, related_name="sample_plans"
    )
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="sample_plans"
    )
    group = models.ForeignKey(
        RespondentGroup,
        verbose_name=_("respondent group"),
        on_delete=models.CASCADE,
        related_name="sample_plans",
    )
    planned = models.PositiveIntegerField(_("planned count"))
    history = HistoricalRecords()  # a count changed in the admin: who, when, from what

    class Meta:
        ordering = ["questionnaire", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "agency", "group"], name="one_plan_per_agency_and_group"
            )
        ]
        verbose_name = _("sample plan")
        verbose_name_plural = _("sample plans")

    def __str__(self):
        return f"{self.agency} · {self.group}: {self.planned}"


class ImportBatch(BackgroundJob):
    """One response file offered for import: stored whole, found already stored, or refused whole.

    A file uploaded on the page is saved to storage and imported by a Celery job; the batch is the job's
    row (parindex.jobs: the lifecycle every job shares): status and progress while it runs, the
    problems when it is refused."""

    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.PROTECT,
        related_name="import_batches",
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    sha256 = models.CharField(_("file's SHA-256"), max_length=64, blank=True)
    upload = models.FileField(_("uploaded file"), upload_to="survey-imports/%Y/%m/", blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    added = models.PositiveIntegerField(_("responses added"), default=0)
    skipped = models.PositiveIntegerField(_("responses already stored"), default=0)
    problems = models.PositiveIntegerField(_("problems"), default=0)
    problem_list = models.JSONField(
        _("problems found"),
        default=list,
        blank=True,
        help_text=_("Where and what, as translatable templates."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self):
        return f"{self.file_name or self.sha256[:12]} · {self.get_status_display()}"

    def progress_counts(self) -> tuple[int | None, int | None]:
        """Responses settled (added or already stored) of the file's rows."""
        return self.added + self.skipped, self.rows or None


class ResponseSource(models.TextChoices):
    ENTERED = "entered", _("Entered by hand")
    IMPORTED = "imported", _("Imported from a file")
    ONLINE = "online", _("Answered online")


class Response(models.Model):
    """One filled-in questionnaire (phiếu), identified by its printed serial number."""

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT, related_name="responses"
    )
    serial = models.CharField(_("serial number"), max_length=40)
    group = models.ForeignKey(
        RespondentGroup,
        verbose_name=_("respondent group"),
        on_delete=models.PROTECT,
        related_name="responses",
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency assessed"),
        on_delete=models.PROTECT,
        related_name="survey_responses",
    )
    source = models.CharField(_("source"), max_length=16, choices=ResponseSource.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    import_batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("import batch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responses",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["questionnaire", "serial"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "serial"], name="unique_serial_in_questionnaire")
        ]
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self):
        return f"{self.questionnaire.code} · {self.serial}"


class Answer(models.Model):
    response = models.ForeignKey(
        Response,
        verbose_name=_("response"),
        on_delete=models.CASCADE,
        related_name="answers",
        db_index=False,  # the unique (response, question) index serves lookups by response
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers"
    )
    option = models.ForeignKey(
        AnswerOption, verbose_name=_("answer option"), on_delete=models.PROTECT, related_name="answers"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self):
        return f"{self.response_id} · {self.question_id}: {self.option_id}"


class SecondEntry(models.Model):
    """A paper form typed a second time, blind, by another operator to check the first entry.

    It never counts: the response entered first is the one aggregated; the two are compared in the
    mismatch report (selectors.second_entry_mismatches)."""

    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.CASCADE,
        related_name="second_entries",
    )
    serial = models.CharField(_("serial number"), max_length=40)
    group = models.ForeignKey(
        RespondentGroup, verbose_name=_("respondent group"), on_delete=models.CASCADE, related_name="+"
    )
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency assessed"), on_delete=models.PROTECT, related_name="+"
    )
    answers = models.JSONField(_("answers"), default=dict, help_text=_("Question number → option key."))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["questionnaire", "serial"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "serial"], name="one_second_entry_per_serial")
        ]
        verbose_name = _("second entry")
        verbose_name_plural = _("second entries")

    def __str__(self):
        return f"{self.questionnaire.code} · {self.serial} (2)"


class ResponseCorrection(models.Model):
    """A first entry corrected from its paper form (after the mismatch report): who, when, why, and the
    form as it was and as it is now (group and agency codes, question number → option key)."""

    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="corrections"
    )
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    corrected_at = models.DateTimeField(_("corrected at"), auto_now_add=True)
    reason = models.TextField(_("reason"))
    before = models.JSONField(_("before"))
    after = models.JSONField(_("after"))

    class Meta:
        ordering = ["response", "corrected_at", "pk"]
        verbose_name = _("correction of a response")
        verbose_name_plural = _("corrections of responses")

    def __str__(self):
        return f"{self.response} · {moment_text(self.corrected_at)}"


class SurveyToken(models.Model):
    """A one-time link to the online form for one planned respondent: the questionnaire, the group
    and the agency are fixed by the token; the first response sent uses it up."""

    token = models.CharField(_("token"), max_length=64, unique=True)
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.CASCADE, related_name="tokens"
    )
    group = models.ForeignKey(
        RespondentGroup, verbose_name=_("respondent group"), on_delete=models.CASCADE, related_name="tokens"
    )
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency assessed"), on_delete=models.PROTECT, related_name="+"
    )
    response = models.OneToOneField(
        Response,
        verbose_name=_("response"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="token",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["questionnaire", "agency", "group", "id"]
        verbose_name = _("survey link")
        verbose_name_plural = _("survey links")

    def __str__(self):
        return f"{self.questionnaire.code} · {self.agency} · {self.group}"


class SurveyAggregation(models.Model):
    """The audit entry of one aggregation of a period's responses into survey values: who, when, how many."""

    period = models.ForeignKey(
        "agencies.Period",
        verbose_name=_("period"),
        on_delete=models.CASCADE,
        related_name="survey_aggregations",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    at = models.DateTimeField(_("at"), auto_now_add=True)
    written = models.PositiveIntegerField(_("values written"))
    removed = models.PositiveIntegerField(_("values removed"))

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("survey aggregation")
        verbose_name_plural = _("survey aggregations")

    def __str__(self):
        return f"{self.period} · {moment_text(self.at)}"


class PrintStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class PrintedForms(BackgroundJob):
    """The printable questionnaires of a sample plan, one per respondent with its serial and the QR code
    of its one-time link, built by a Celery job into one PDF kept in the default storage."""

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.CASCADE, related_name="printed_forms"
    )
    # The job's status in the words of the page (parindex.jobs runs it: claim, enqueue, expiry).
    status = models.CharField(_("status"), max_length=16, choices=PrintStatus, default=PrintStatus.QUEUED)
    forms = models.PositiveIntegerField(_("forms"), default=0)
    storage_name = models.CharField(_("stored as"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("printed questionnaires")
        verbose_name_plural = _("printed questionnaires")

    def __str__(self):
        return f"{self.questionnaire.code} · {self.created_at:%Y-%m-%d %H:%M}"

    def progress_counts(self) -> tuple[int | None, int | None]:
        """Forms printed (known once the PDF is built)."""
        return self.forms, self.forms if self.status == PrintStatus.DONE else None
