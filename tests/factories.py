import datetime

import factory

from accounts.models import User
from ligeris.lib.roles import Role
from partners.models import Consortium, Convention, Partner, PartnerKind, PartnerStatus, Person
from partners.validators import luhn_valid, siret_is_valid


def valid_siret(n: int) -> str:
    """A SIRET with correct check digits, different for every n."""
    base = f"2{n:07d}"
    siren = next(base + str(d) for d in range(10) if luhn_valid(base + str(d)))
    return next(
        siren + "0001" + str(d) for d in range(10) if siret_is_valid(siren + "0001" + str(d))
    )


class ConsortiumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consortium

    name = factory.Sequence(lambda n: f"Groupement {n}")
    short_name = "Test"


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    consortium = factory.SubFactory(ConsortiumFactory)
    name = factory.Sequence(lambda n: f"Commune n° {n}")
    short_name = factory.Sequence(lambda n: f"C{n}")
    kind = PartnerKind.COMMUNE
    siret = factory.Sequence(lambda n: valid_siret(n + 1))
    address = "1 place de la Mairie"
    postal_code = "37000"
    city = "Tours"
    representative_name = "M. Jean Dupont"
    representative_title = "Maire"
    status = PartnerStatus.MEMBER


class ConventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Convention

    consortium = factory.SubFactory(ConsortiumFactory)
    title = "Convention de mutualisation"
    signed_on = datetime.date(2023, 12, 15)
    starts_on = datetime.date(2024, 1, 1)
    ends_on = datetime.date(2027, 12, 31)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    partner = factory.SubFactory(PartnerFactory)
    first_name = "Claire"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    role = "archives"
    email = factory.Sequence(lambda n: f"contact{n}@example.org")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    role = Role.FINANCE
    password = factory.PostGenerationMethodCall("set_password", "mot-de-passe-de-test")

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        from allauth.account.models import EmailAddress

        obj.save()
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, primary=True, verified=True)

    @factory.post_generation
    def consortia(obj, create, extracted, **kwargs):
        """Staff work for the consortia given, else for every consortium made so far (the
        tests' one): a test about another consortium's staff says which."""
        if not create or obj.role == Role.PARTNER:
            return
        obj.consortia.set(extracted if extracted is not None else Consortium.objects.all())
