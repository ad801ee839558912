"""Factories for tests across apps. Each app may add its own in tests/<app>/factories.py."""

import factory

from tendercare.organisations.models import Organisation, Role, User

PASSWORD = "correct-horse-battery-staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.COUNCIL


class CommissionerOrgFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Borough Council {n}")
    kind = Organisation.Kind.COUNCIL


class ProviderOrgFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Care Provider {n} Ltd")
    kind = Organisation.Kind.INDEPENDENT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    role = Role.COMMISSIONER
    organisation = factory.SubFactory(CommissionerOrgFactory)

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save()
