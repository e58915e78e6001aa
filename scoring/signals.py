"""Every change of a criteria set's nodes or rules bumps the set's revision in the same transaction,
so caches keyed by (set, revision) (scoring/tree_cache.py) never serve an older tree. Bulk writes
(`queryset.update()`, `bulk_create`) send no signal: code that writes nodes or rules that way must
call `criteria_set_touch` itself."""

from django.db.models import F
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import Band, CriteriaNode, CriteriaSet, HeadClassRule, ReviewTrigger


def criteria_set_touch(criteria_set_id: int) -> None:
    CriteriaSet.objects.filter(pk=criteria_set_id).update(revision=F("revision") + 1)


@receiver(post_save, sender=CriteriaNode)
@receiver(post_delete, sender=CriteriaNode)
@receiver(post_save, sender=Band)
@receiver(post_delete, sender=Band)
@receiver(post_save, sender=HeadClassRule)
@receiver(post_delete, sender=HeadClassRule)
@receiver(post_save, sender=ReviewTrigger)
@receiver(post_delete, sender=ReviewTrigger)
def _part_changed(sender, instance, **kwargs):
    criteria_set_touch(instance.criteria_set_id)


@receiver(pre_save, sender=CriteriaSet)
def _set_changed(sender, instance, **kwargs):
    """A set saved from an instance read before its nodes changed must not write an older revision back."""
    if instance.pk is None:
        return
    stored = CriteriaSet.objects.filter(pk=instance.pk).values_list("revision", flat=True).first()
    instance.revision = max(instance.revision, stored or 0) + 1
