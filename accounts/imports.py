"""Agency accounts in bulk from an XLSX list (Home Affairs): every row checked, all created or none, each
new user e-mailed a link to choose a password (no password travels in a spreadsheet).

The list is measured before it is parsed (parindex.safe_files, "list" limits). On the page it is
imported by a Celery job (AccountImport is its row), never inside the request."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from agencies.models import Agency
from parindex.formatting import message_text
from parindex.jobs import JobStatus, job_claim, job_enqueue, job_fail, job_finish, jobs_expire
from parindex.safe_files import FileRefused, file_limits, sheet_rows, workbook_bytes, xlsx_open, zip_check
from scoring.engine.model import Message, gettext_noop

from .grants import grantable_roles
from .models import AGENCY_ROLES, AccountImport, Role, User

COLUMNS = [
    ("username", "Tên đăng nhập"),
    ("full_name", "Họ và tên"),
    ("email", "Email"),
    ("role", "Vai trò"),
    ("agency", "Mã cơ quan"),
]
ROLE_BY_TEXT = {
    **{role.value: role.value for role in Role},
    **{str(role.label).lower(): role.value for role in Role},
    "đầu mối": Role.FOCAL_POINT,
    "cán bộ đầu mối": Role.FOCAL_POINT,
    "thủ trưởng": Role.AGENCY_HEAD,
}


@dataclass(frozen=True)
class RowProblem:
    row: int  # 0: the file as a whole
    column: str
    message: Message  # translated when shown

    def __str__(self):
        if not self.row:
            return gettext("file: %(message)s") % {"message": message_text(self.message)}
        return _("row %(row)s, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": message_text(self.message),
        }

    def as_data(self) -> list:
        return [self.row, self.column, self.message.template, dict(self.message.params)]

    @classmethod
    def from_data(cls, data: list) -> RowProblem:
        row, column, template, params = data
        return cls(row, column, Message(template, params))


class AccountsFileError(ValueError):
    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def accounts_template_xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tài khoản"
    sheet.append([header for _, header in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(["so-gtvt-2", "Nguyễn Văn A", "nva@sogtvt.gov.vn", Role.FOCAL_POINT.value, "so-gtvt"])
    for column, width in zip("ABCDE", (18, 28, 30, 18, 14), strict=True):
        sheet.column_dimensions[column].width = width
    roles = workbook.create_sheet("Vai trò")
    roles.append(["Mã", "Tên"])
    for role in Role:
        roles.append([role.value, str(role.label)])
    return workbook_bytes(workbook)


def accounts_read(data: bytes, *, grantable: frozenset[str] | None = None) -> list[dict]:
    """Rows as dicts, or AccountsFileError naming every bad cell, or the limit the file exceeds;
    `grantable` limits the roles (None: any)."""
    limits = file_limits("list")
    try:
        workbook = xlsx_open(data, limits)
        try:
            return _read(sheet_rows(workbook.worksheets[0], limits, min_row=2), grantable)
        finally:
            workbook.close()
    except FileRefused as refused:
        raise AccountsFileError([RowProblem(0, "-", refused.message)]) from None


def _read(lines, grantable: frozenset[str] | None) -> list[dict]:
    problems, rows, seen = [], [], {}
    agencies = {a.code: a for a in Agency.objects.all()}
    existing = set(User.objects.values_list("username", flat=True))
    headers = dict(COLUMNS)
    for number, values in enumerate(lines, start=2):
        if all(value in (None, "") for value in values):
            continue
        row = {
            key: str(values[i]).strip() if i < len(values) and values[i] is not None else ""
            for i, (key, _h) in enumerate(COLUMNS)
        }

        def problem(key, template, number=number, **params):
            problems.append(RowProblem(number, headers[key], Message(template, params)))

        _check_lengths(row, problem)
        if not row["username"]:
            problem("username", gettext_noop("a username is required"))
        elif not _username_valid(row["username"]):
            problem(
                "username",
                gettext_noop("the username %(name)s may hold only letters, digits and @ . + - _"),
                name=row["username"],
            )
        elif row["username"] in existing:
            problem("username", gettext_noop("the username %(name)s already exists"), name=row["username"])
        elif row["username"] in seen:
            problem(
                "username",
                gettext_noop("the username %(name)s is repeated (row %(other)s)"),
                name=row["username"],
                other=seen[row["username"]],
            )
        seen.setdefault(row["username"], number)
        try:
            validate_email(row["email"])
        except ValidationError:
            problem("email", gettext_noop("%(value)s is not an e-mail address"), value=row["email"] or "—")
        role = ROLE_BY_TEXT.get(row["role"].lower())
        if role is None:
            problem("role", gettext_noop("unknown role %(value)s"), value=row["role"] or "—")
        elif grantable is not None and role not in grantable:
            problem("role", gettext_noop("you may not grant the role %(value)s"), value=row["role"])
        agency = agencies.get(row["agency"]) if row["agency"] else None
        if role in AGENCY_ROLES and agency is None:
            problem("agency", gettext_noop("no agency with the code %(value)s"), value=row["agency"] or "—")
        if role is not None and role not in AGENCY_ROLES and row["agency"]:
            problem("agency", gettext_noop("only agency users belong to an agency"))
        rows.append({**row, "role": role, "agency": agency})
    if not rows and not problems:
        problems.append(RowProblem(2, headers["username"], Message(gettext_noop("the list is empty"))))
    if problems:
        raise AccountsFileError(problems)
    return rows


# The user model's column of each list column: what it refuses (length, characters) is named by cell, not
# left to fail the import when the account is saved.
MODEL_FIELDS = {"username": "username", "full_name": "first_name", "email": "email"}


def _check_lengths(row: dict, problem) -> None:
    for key, field in MODEL_FIELDS.items():
        limit = User._meta.get_field(field).max_length
        if len(row[key]) > limit:
            problem(
                key,
                gettext_noop("at most %(limit)s characters (this has %(count)s)"),
                limit=limit,
                count=len(row[key]),
            )
    for key, _header in COLUMNS:
        if "\x00" in row[key]:
            problem(key, gettext_noop("the cell holds the character U+0000 (NUL)"))


def _username_valid(username: str) -> bool:
    try:
        User.username_validator(username)  # the characters Django's users allow (its length: above)
    except ValidationError:
        return False
    return True


@transaction.atomic
def accounts_import(*, data: bytes, acting_user=None) -> list[User]:
    """Creates every account of the list, or none; then e-mails each a link to set a password.

    A user imports only roles they may grant (accounts.grants); without one (the command line of a system
    administrator) any role."""
    users = []
    grantable = None if acting_user is None else grantable_roles(acting_user)
    for row in accounts_read(data, grantable=grantable):
        user = User(
            username=row["username"], email=row["email"], role=row["role"], agency=row["agency"],
            first_name=row["full_name"], last_name="",
        )  # fmt: skip
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user._history_user = acting_user
        user.save()
        users.append(user)
    transaction.on_commit(lambda: _invite(users))
    return users


def _invite(users: list[User]) -> None:
    messages = []
    for user in users:
        link = settings.SITE_URL + reverse(
            "password_reset_confirm",
            args=[urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)],
        )
        subject = _("[ParIndex] Your account %(username)s") % {"username": user.username}
        body = _(
            "An account has been created for you on ParIndex.\n\nUsername: %(username)s\n"
            "Choose your password here (the link works once):\n%(link)s\n\nDepartment of Home Affairs"
        ) % {"username": user.username, "link": link}
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    send_mass_mail(messages, fail_silently=False)


# --- the background job -----------------------------------------------------------------------------


def account_import_start(*, upload, acting_user=None) -> AccountImport:
    """Refuses a list over the file limits at once (AccountsFileError, nothing stored); otherwise stores
    it with a queued AccountImport and, once committed, queues its import."""
    from .tasks import import_accounts

    try:
        zip_check(upload, file_limits("list"))
    except FileRefused as refused:
        raise AccountsFileError([RowProblem(0, "-", refused.message)]) from None
    with transaction.atomic():
        jobs_expire(AccountImport.objects.all())
        job = AccountImport(
            file_name=(upload.name or "")[:255], status=JobStatus.QUEUED, created_by=acting_user
        )
        job.upload.save(Path(upload.name or "tai-khoan.xlsx").name, upload, save=False)
        job.save()
        job_enqueue(import_accounts, AccountImport, job.pk)
    return job


def account_import_run(*, job_id: int) -> AccountImport | None:
    """The worker's side: claims the queued job, creates every account of its list or none, and records
    the outcome (created, refused with every problem, or failed). A job not queued any more is left alone."""
    if not job_claim(AccountImport, job_id):
        return None
    job = AccountImport.objects.select_related("created_by").get(pk=job_id)
    try:
        with job.upload.open("rb") as handle:
            data = handle.read()
        users = accounts_import(data=data, acting_user=job.created_by)
    except AccountsFileError as error:
        job_finish(
            AccountImport,
            job_id,
            status=JobStatus.REFUSED,
            problem_list=[p.as_data() for p in error.problems],
        )
    except Exception:
        job_fail(AccountImport, job_id)
        raise
    else:
        job_finish(AccountImport, job_id, status=JobStatus.CREATED, created_count=len(users))
    job.refresh_from_db()
    return job
