from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from agencies.models import Period, PeriodState
from assessment.readiness import period_readiness
from scoring.services import PublicationRefused, snapshot_current_published, snapshot_publish


class Command(BaseCommand):
    help = (
        "Publishes a snapshot of an approved period (the latest unless --snapshot), or a correction of a "
        "published one (--reason required). Prints what is not ready first; the first publication goes "
        "ahead with gaps only with --reason. The user must hold the publication permission."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="period code, e.g. 2022")
        parser.add_argument("--user", required=True, help="username of the publishing official")
        parser.add_argument("--snapshot", type=int, help="snapshot version; the latest when omitted")
        parser.add_argument(
            "--reason",
            default="",
            help="why a correction replaces the published results; for a first publication, why it goes "
            "ahead although something is not ready",
        )
        parser.add_argument("--note", default="", help="a note published with the first publication")

    def handle(self, *args, period, user, snapshot, reason, note, **options):
        version = snapshot
        period_obj = Period.objects.filter(code=period).first()
        if period_obj is None:
            raise CommandError(f"No period {period!r}.")
        acting_user = get_user_model().objects.filter(username=user).first()
        if acting_user is None:
            raise CommandError(f"No user {user!r}.")
        snapshots = period_obj.snapshots.order_by("-version")
        chosen = snapshots.filter(version=version).first() if version else snapshots.first()
        if chosen is None:
            raise CommandError(f"{period} has no snapshot {'v' + str(version) if version else 'yet'}.")
        is_correction = snapshot_current_published(period_obj) is not None
        readiness = period_readiness(period=period_obj, name="publish", snapshot=chosen)
        for gap in readiness.gaps:
            names = ", ".join(each.label for each in gap.entries)
            line = _("Not ready: %(label)s: %(count)s") % {"label": gap.label, "count": gap.count}
            self.stdout.write(line + (f" ({names})" if names else ""))
        first = not is_correction and period_obj.state == PeriodState.APPROVED
        if first and not readiness.ready and not reason.strip():
            raise CommandError(
                f"Cannot publish {period}: not everything is ready; give --reason to go ahead anyway."
            )
        try:
            published = snapshot_publish(
                snapshot=chosen,
                acting_user=acting_user,
                reason=reason if is_correction else "",
                note=note,
                confirmed=True,  # running the command with these arguments is the confirmation
                override_reason="" if is_correction else reason,
            )
        except PublicationRefused as refusal:
            raise CommandError(f"Cannot publish {period}: {refusal.message}") from None
        self.stdout.write(
            f"{period}: snapshot v{published.version} published at {published.published_at:%Y-%m-%d %H:%M}."
        )
        for download in published.downloads.order_by("format"):
            self.stdout.write(f"  {download.file_name}  sha256 {download.sha256}")
