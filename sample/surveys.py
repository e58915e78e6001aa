"""The sample province's questionnaires and responses: survey values come from stored answers.

One questionnaire per block and year asks the organisations (council delegates, Fatherland Front
leaders, leaders of the other level) five questions scoring the organisations' leaf (8.1 / 9.1), and
citizens and businesses ten SIPAS questions scoring the satisfaction leaf (8.2 / 9.2). For every
agency × survey leaf, responses are generated (counts from province.RESPONDENTS) whose aggregate, as
surveys.selectors computes it, stores exactly the value sample.calibrate chose for that leaf.

How a value is hit exactly: a leaf's value is Σ_g w_g·S_g/(u_g·n_g) ÷ Σ_g w_g, S_g the sum of answer
steps (quarters for the organisations, 1 per "satisfied" for SIPAS), u_g the steps of a full mark,
n_g the valid answers ("don't know" and blanks left out). The small groups get a seeded plausible
mean; the two largest are solved together as a linear Diophantine equation over their step sums,
trying answer counts (some "don't know") until the value falls within half a millionth of the target,
so that the six-decimal stored value equals it. Pure integer and Fraction arithmetic. With the sample's
counts any value from 0.60 to 0.97 is reached (tests/sample/test_surveys.py); values very close to 1
leave too few combinations and are refused with ValueError.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from agencies.models import Block, Period
from surveys.formats import questionnaire_from_document
from surveys.imports import answers_store
from surveys.models import (
    Answer,
    AnswerOption,
    ImportBatch,
    Questionnaire,
    Response,
    ResponseSource,
    SecondEntry,
    SurveyToken,
)

from . import province

HALF_MILLIONTH = Fraction(1, 2_000_000)
MARGIN = Fraction(1, 10**12)  # keeps the value clear of a rounding boundary
SPREAD = 0.06  # how far a group's mean may stray from the leaf's value, before solving
ANSWERED_AT_LEAST = 0.8  # share of a group's answers that are not "don't know"…
ANSWERED_AT_LEAST_FINALLY = 0.6  # …or, for values close to 1 that leave few solutions, at the last try

ORGANISATION_QUESTIONS = [
    "Công tác chỉ đạo, điều hành cải cách hành chính của cơ quan",
    "Chất lượng văn bản quy phạm pháp luật, văn bản chỉ đạo do cơ quan tham mưu, ban hành",
    "Việc công khai, giải quyết thủ tục hành chính đúng hạn",
    "Tinh thần, thái độ, năng lực của cán bộ, công chức khi phối hợp công tác",
    "Ứng dụng công nghệ thông tin, chuyển đổi số trong hoạt động của cơ quan",
]
SIPAS_QUESTIONS = [
    ("Tiếp cận dịch vụ", "Nơi ngồi chờ, trang thiết bị phục vụ tại bộ phận một cửa"),
    ("Tiếp cận dịch vụ", "Việc tìm hiểu thông tin, nộp hồ sơ trực tuyến"),
    ("Thủ tục hành chính", "Thủ tục hành chính được niêm yết công khai, đầy đủ, chính xác"),
    ("Thủ tục hành chính", "Thành phần hồ sơ, phí, lệ phí đúng quy định"),
    ("Công chức giải quyết công việc", "Thái độ lịch sự, tôn trọng của công chức"),
    ("Công chức giải quyết công việc", "Công chức hướng dẫn tận tình, dễ hiểu"),
    ("Kết quả giải quyết", "Kết quả đúng quy định, thông tin chính xác"),
    ("Kết quả giải quyết", "Hồ sơ được giải quyết đúng hẹn"),
    ("Tiếp nhận, xử lý góp ý", "Có hình thức tiếp nhận góp ý, phản ánh, kiến nghị"),
    ("Tiếp nhận, xử lý góp ý", "Góp ý, phản ánh, kiến nghị được xử lý, trả lời kịp thời"),
]
# Step (quarters of a full mark) → option key of an organisations' question.
ASSESSMENT = [
    ("1", "Rất tốt", "1", 4),
    ("2", "Tốt", "0.75", 3),
    ("3", "Khá", "0.5", 2),
    ("4", "Trung bình", "0.25", 1),
    ("5", "Kém", "0", 0),
]
DONT_KNOW = "9"
SATISFACTION = [
    ("1", "Rất không hài lòng", "0", False),
    ("2", "Không hài lòng", "0.25", False),
    ("3", "Bình thường", "0.5", False),
    ("4", "Hài lòng", "0.75", True),
    ("5", "Rất hài lòng", "1", True),
]
CITIZENS, BUSINESSES = "nguoi-dan", "doanh-nghiep"
SIPAS_WEIGHTS = {CITIZENS: 7, BUSINESSES: 3}  # stored as 0.7 / 0.3
ONLINE_EVERY = 8  # one SIPAS response in eight was answered online


@dataclass(frozen=True)
class Stratum:
    """One respondent group's part of one agency × leaf: who answers how many questions."""

    group: str
    weight: int
    respondents: int
    questions: int
    steps: int  # steps of a full mark: 4 (quarters) or 1 (satisfied or not)

    @property
    def slots(self) -> int:
        return self.respondents * self.questions


@dataclass(frozen=True)
class Split:
    """What a group's answers must add up to: `answered` valid answers whose steps sum to `score`."""

    stratum: Stratum
    answered: int
    score: int

    @property
    def mean(self) -> Fraction:
        return Fraction(self.score, self.stratum.steps * self.answered)


def leaf_value(splits: Iterable[Split]) -> Fraction:
    """The leaf's value as surveys.selectors.combine_group_means computes it from these answers."""
    splits = list(splits)
    return sum((s.stratum.weight * s.mean for s in splits), Fraction(0)) / sum(
        s.stratum.weight for s in splits
    )


def _plausible(mean: Fraction, target: Fraction) -> bool:
    return 0 <= mean <= 1 and abs(mean - target) <= Fraction(2 * SPREAD).limit_denominator(1000)


def _pick(stratum: Stratum, target: Fraction, answered_share: float, rng: random.Random) -> Split:
    answered = rng.randint(math.ceil(stratum.slots * answered_share), stratum.slots)
    mean = min(1.0, max(0.0, float(target) + rng.uniform(-SPREAD, SPREAD)))
    return Split(stratum, answered, round(mean * stratum.steps * answered))


def _solve_pair(
    first: Stratum, second: Stratum, answered: tuple[int, int], rest: Fraction, total_weight: int,
    target: Fraction, rng: random.Random,
) -> tuple[Split, Split] | None:  # fmt: skip
    """Step sums of two groups with the given answer counts that put the leaf within half a millionth
    of the target, or None. With d_i = steps_i × answered_i the condition is
        low ≤ (rest + w1·x/d1 + w2·y/d2) ÷ W < high,  i.e.  a·x + b·y = N  for some N in [lo, hi),
    a = w1·d2, b = w2·d1, N scaled by d1·d2; the solutions of each N form one line x0 + k·b', y0 − k·a'."""
    d1, d2 = first.steps * answered[0], second.steps * answered[1]
    scale = d1 * d2
    low = (target - HALF_MILLIONTH + MARGIN) * total_weight - rest
    high = (target + HALF_MILLIONTH - MARGIN) * total_weight - rest
    lo, hi = math.ceil(low * scale), math.ceil(high * scale)
    a, b = first.weight * d2, second.weight * d1
    g = math.gcd(a, b)
    a_, b_ = a // g, b // g
    inverse = pow(a_, -1, b_) if b_ > 1 else 0
    wanted = float(target) + rng.uniform(-SPREAD, SPREAD)
    for n in range(-(-lo // g) * g, hi, g):
        x0 = (n // g * inverse) % b_ if b_ > 1 else 0
        k_near = round((wanted * d1 - x0) / b_)
        for k in (k_near, k_near - 1, k_near + 1):
            x = x0 + k * b_
            y, remainder = divmod(n // g - a_ * x, b_)
            if remainder or not (0 <= x <= d1 and 0 <= y <= d2):
                continue
            pair = Split(first, answered[0], x), Split(second, answered[1], y)
            if all(_plausible(split.mean, target) for split in pair):
                return pair
    return None


def splits_for(target: Decimal, strata: list[Stratum], rng: random.Random, picks: int = 40) -> list[Split]:
    """Answer counts and step sums per group whose leaf value rounds (6 decimals, half up) to `target`.

    Every pair of answer counts of the two largest groups is tried (in a seeded order) for each seeded
    pick of the smaller groups; values near 0 or 1 leave few solutions, so if none is found more
    "don't know" answers are allowed, down to ANSWERED_AT_LEAST_FINALLY."""
    goal = Fraction(target)
    ordered = sorted(strata, key=lambda s: s.slots)
    fixed, (first, second) = ordered[:-2], ordered[-2:]
    total_weight = sum(s.weight for s in strata)
    for answered_share in (ANSWERED_AT_LEAST, ANSWERED_AT_LEAST - 0.1, ANSWERED_AT_LEAST_FINALLY):
        pairs = [
            (n1, n2)
            for n1 in range(math.ceil(first.slots * answered_share), first.slots + 1)
            for n2 in range(math.ceil(second.slots * answered_share), second.slots + 1)
        ]
        for _ in range(picks if fixed else 1):
            picked = [_pick(stratum, goal, answered_share, rng) for stratum in fixed]
            if not all(_plausible(split.mean, goal) for split in picked):
                continue
            rest = sum((s.stratum.weight * s.mean for s in picked), Fraction(0))
            rng.shuffle(pairs)
            for answered in pairs:
                pair = _solve_pair(first, second, answered, rest, total_weight, goal, rng)
                if pair is not None:
                    splits = [*picked, *pair]
                    assert abs(leaf_value(splits) - goal) < HALF_MILLIONTH
                    return splits
    raise ValueError(f"no answers found that aggregate to {target}")


# --- the questionnaires ---------------------------------------------------------------------------


def _organisation_groups(block_code: str) -> list[tuple[str, str, int, int]]:
    """(code, name, respondents per agency, weight) of the organisations answering about a block."""
    other = (
        ("lanh-dao-huyen", "Lãnh đạo UBND các huyện, thị xã, thành phố")
        if block_code == province.DEPARTMENTS_BLOCK[0]
        else ("lanh-dao-so", "Lãnh đạo các sở, ban, ngành tỉnh")
    )
    counts = province.ORGANISATION_RESPONDENTS[block_code]
    return [
        ("dai-bieu-hdnd", "Đại biểu HĐND tỉnh", counts[0], 3),
        ("mttq", "Lãnh đạo Ủy ban MTTQ tỉnh và các tổ chức chính trị - xã hội", counts[1], 2),
        (*other, counts[2], 5),
    ]


def questionnaire_document(block: Block, year: int, agencies: list[province.SampleAgency]) -> dict:
    """The block's questionnaire of the year in parindex-questionnaire/1 form, with its sample plan."""
    organisations_leaf, sipas_leaf = province.SURVEY_LEAVES[block.code]
    organisations = _organisation_groups(block.code)
    sipas = sipas_counts(block.code, len(agencies))
    questions = [
        {
            "number": str(number),
            "text": text,
            "criterion": organisations_leaf,
            "sipas": False,
            "sipas_element": "",
            "options": [
                *({"key": k, "label": label, "coefficient": c, "satisfied": False} for k, label, c, _ in ASSESSMENT),
                {"key": DONT_KNOW, "label": "Không biết, không có ý kiến", "coefficient": None, "satisfied": False},
            ],
        }
        for number, text in enumerate(ORGANISATION_QUESTIONS, start=1)
    ] + [
        {
            "number": str(number),
            "text": text,
            "criterion": sipas_leaf,
            "sipas": True,
            "sipas_element": element,
            "options": [
                {"key": k, "label": label, "coefficient": c, "satisfied": satisfied}
                for k, label, c, satisfied in SATISFACTION
            ],
        }
        for number, (element, text) in enumerate(SIPAS_QUESTIONS, start=len(ORGANISATION_QUESTIONS) + 1)
    ]  # fmt: skip
    weights = [
        {"criterion": organisations_leaf, "group": code, "weight": str(Decimal(weight) / 10)}
        for code, _, _, weight in organisations
    ] + [
        {"criterion": sipas_leaf, "group": code, "weight": str(Decimal(weight) / 10)}
        for code, weight in SIPAS_WEIGHTS.items()
    ]
    plan = []
    for position, sample in enumerate(agencies):
        plan += [
            {"agency": sample.code, "group": code, "planned": count} for code, _, count, _ in organisations
        ]
        plan += [
            {"agency": sample.code, "group": code, "planned": count}
            for code, count in zip((CITIZENS, BUSINESSES), sipas[position], strict=True)
        ]
    return {
        "format": "parindex-questionnaire/1",
        "code": f"{block.code}-{year}",
        "title": f"Phiếu khảo sát đánh giá công tác cải cách hành chính của {block.name.lower()} năm {year}",
        "groups": [{"code": code, "name": name} for code, name, _, _ in organisations]
        + [
            {"code": CITIZENS, "name": "Người dân có giao dịch tại bộ phận một cửa"},
            {"code": BUSINESSES, "name": "Doanh nghiệp, tổ chức có giao dịch tại bộ phận một cửa"},
        ],
        "questions": questions,
        "weights": weights,
        "sample_plan": plan,
    }


def sipas_counts(block_code: str, agencies: int) -> list[tuple[int, int]]:
    """(citizens, businesses) per agency: the block's SIPAS respondents spread as evenly as possible
    (the first agencies take one more), a third of each agency's from businesses."""
    total = province.RESPONDENTS[block_code][province.SURVEY_LEAVES[block_code][1]]
    base, extra = divmod(total, agencies)
    counts = []
    for position in range(agencies):
        count = base + (position < extra)
        counts.append((count - count // 3, count // 3))
    return counts


def questionnaires_clear(periods: Iterable[Period]) -> None:
    """Removes the questionnaires of the periods with everything answered to them."""
    questionnaires = Questionnaire.objects.filter(period__in=list(periods))
    SecondEntry.objects.filter(questionnaire__in=questionnaires).delete()
    SurveyToken.objects.filter(questionnaire__in=questionnaires).delete()
    Answer.objects.filter(response__questionnaire__in=questionnaires).delete()
    Response.objects.filter(questionnaire__in=questionnaires).delete()
    ImportBatch.objects.filter(questionnaire__in=questionnaires).delete()
    questionnaires.delete()


# --- the responses ----------------------------------------------------------------------------------


def _steps_spread(count: int, total: int, top: int, rng: random.Random) -> list[int]:
    """`count` steps in 0…top adding up to `total`, spread around their mean."""
    base, extra = divmod(total, count)
    steps = [base + 1] * extra + [base] * (count - extra)
    for _ in range(count // 2):
        i, j = rng.randrange(count), rng.randrange(count)
        if steps[i] < top and steps[j] > 0 and i != j:
            steps[i] += 1
            steps[j] -= 1
    rng.shuffle(steps)
    return steps


def _answer_slots(split: Split, rng: random.Random) -> list[list[bool]]:
    """Per respondent, per question: answered (True) or not; every respondent answers at least once."""
    stratum = split.stratum
    skipped = stratum.slots - split.answered
    kept = [rng.randrange(stratum.questions) for _ in range(stratum.respondents)]
    others = [
        (respondent, question)
        for respondent in range(stratum.respondents)
        for question in range(stratum.questions)
        if question != kept[respondent]
    ]
    blank = set(rng.sample(others, skipped))
    return [
        [(respondent, question) not in blank for question in range(stratum.questions)]
        for respondent in range(stratum.respondents)
    ]


def survey_targets_load(
    *,
    period: Period,
    block: Block,
    agencies: list[province.SampleAgency],
    agency_ids: dict[str, int],
    targets: dict[str, dict[str, Decimal]],
) -> Questionnaire:
    """Stores the block's questionnaire of the period and responses that aggregate to `targets`
    (agency code → leaf code → value), in a fixed number of bulk inserts."""
    document = questionnaire_document(block, period.year, agencies)
    questionnaire = questionnaire_from_document(period=period, block=block, document=document)
    group_ids = dict(questionnaire.groups.values_list("code", "id"))
    questions = dict(questionnaire.questions.values_list("number", "id"))
    options = {
        (number, key): option_id
        for number, key, option_id in AnswerOption.objects.filter(question__questionnaire=questionnaire).values_list(
            "question__number", "key", "id"
        )
    }  # fmt: skip
    organisations_leaf, sipas_leaf = province.SURVEY_LEAVES[block.code]
    organisation_numbers = [str(n) for n in range(1, len(ORGANISATION_QUESTIONS) + 1)]
    sipas_numbers = [
        str(n) for n in range(len(ORGANISATION_QUESTIONS) + 1, len(ORGANISATION_QUESTIONS) + len(SIPAS_QUESTIONS) + 1)
    ]  # fmt: skip
    assessment_keys = {steps: key for key, _, _, steps in ASSESSMENT}
    prefix = f"{block.table_prefix}{period.year % 100:02d}"
    sipas = sipas_counts(block.code, len(agencies))
    responses: list[Response] = []
    answers: list[list[tuple[int, int]]] = []  # per response: (question id, option id)

    for position, sample in enumerate(agencies, start=1):
        rng = random.Random(f"survey-{sample.code}-{period.year}")
        agency_id = agency_ids[sample.code]

        # The organisations: respondent r of group g fills one form about every agency of the block.
        strata = [
            Stratum(code, weight, count, len(organisation_numbers), 4)
            for code, _, count, weight in _organisation_groups(block.code)
        ]
        first_form = 0
        for split in splits_for(targets[sample.code][organisations_leaf], strata, rng):
            slots = _answer_slots(split, rng)
            steps = iter(_steps_spread(split.answered, split.score, 4, rng))
            for respondent, answered in enumerate(slots, start=first_form + 1):
                responses.append(
                    Response(
                        serial=f"{prefix}-TC{respondent:03d}-{position:02d}",
                        group_id=group_ids[split.stratum.group],
                        agency_id=agency_id,
                        source=ResponseSource.ENTERED,
                    )
                )
                answers.append(
                    [
                        (
                            questions[number],
                            options[(number, assessment_keys[next(steps)] if given else DONT_KNOW)],
                        )
                        for number, given in zip(organisation_numbers, answered, strict=True)
                    ]
                )
            first_form += split.stratum.respondents

        # Citizens and businesses: one SIPAS form each; an unanswered question is left blank.
        strata = [
            Stratum(code, SIPAS_WEIGHTS[code], count, len(sipas_numbers), 1)
            for code, count in zip((CITIZENS, BUSINESSES), sipas[position - 1], strict=True)
        ]
        form = 0
        for split in splits_for(targets[sample.code][sipas_leaf], strata, rng):
            slots = _answer_slots(split, rng)
            satisfied = iter(_steps_spread(split.answered, split.score, 1, rng))
            for answered in slots:
                form += 1
                responses.append(
                    Response(
                        serial=f"{prefix}-HL{position:02d}-{form:03d}",
                        group_id=group_ids[split.stratum.group],
                        agency_id=agency_id,
                        source=ResponseSource.ONLINE if form % ONLINE_EVERY == 0 else ResponseSource.ENTERED,
                    )
                )
                row = []
                for number, given in zip(sipas_numbers, answered, strict=True):
                    if not given:
                        continue
                    roll = rng.random()
                    if next(satisfied):
                        key = "5" if roll < 0.55 else "4"
                    else:
                        key = "3" if roll < 0.7 else "2" if roll < 0.95 else "1"
                    row.append((questions[number], options[(number, key)]))
                answers.append(row)

    for response in responses:
        response.questionnaire = questionnaire
    stored = Response.objects.bulk_create(responses, batch_size=2000)
    answers_store(
        (response.pk, question_id, option_id)
        for response, rows in zip(stored, answers, strict=True)
        for question_id, option_id in rows
    )
    return questionnaire


def open_questionnaire_load(
    *, period: Period, block: Block, agencies: list[province.SampleAgency]
) -> Questionnaire:
    """The block's questionnaire for a period still collecting answers: sample plan, no responses."""
    return questionnaire_from_document(
        period=period, block=block, document=questionnaire_document(block, period.year, agencies)
    )
