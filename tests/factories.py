"""factory-boy factories for the core objects; tests build data through these or through services."""

from datetime import date

import factory

from accounts.models import User
from agencies.models import Agency, Block, Period


class BlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Block
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"khoi-{n}")
    name = factory.Sequence(lambda n: f"Khối {n}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"co-quan-{n}")
    name = factory.Sequence(lambda n: f"Cơ quan {n}")
    block = factory.SubFactory(BlockFactory)
    position = factory.Sequence(lambda n: n)


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Period
        django_get_or_create = ("code",)

    year = 2022
    code = factory.LazyAttribute(lambda o: str(o.year))
    name = factory.LazyAttribute(lambda o: f"Năm {o.year}")
    starts_on = factory.LazyAttribute(lambda o: date(o.year, 1, 1))
    ends_on = factory.LazyAttribute(lambda o: date(o.year, 12, 31))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("demo")
