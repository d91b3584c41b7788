import factory
from django.contrib.auth.hashers import make_password

from salesdesk.org.models import Company, Employee, OrgUnit, Position, User

PASSWORD = "Persona-pass-2026"
_PASSWORD_HASH = None


def password_hash() -> str:
    # Hashing is slow by design; the personas share one hash.
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = make_password(PASSWORD)
    return _PASSWORD_HASH


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit
        skip_postgeneration_save = True

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Unit {n}")
    code = factory.Sequence(lambda n: f"U{n}")
    kind = "team"
    parent = None

    @factory.post_generation
    def set_path(obj, create, extracted, **kwargs):
        parent_path = obj.parent.path if obj.parent else "/"
        obj.path = f"{parent_path}{obj.pk}/"
        obj.depth = obj.parent.depth + 1 if obj.parent else 0
        obj.save(update_fields=["path", "depth"])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.LazyFunction(password_hash)


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(OrgUnitFactory)
    company = factory.SelfAttribute("unit.company")
    employee_no = factory.Sequence(lambda n: f"T{n:05d}")
    position = factory.LazyFunction(lambda: Position.objects.get(role="rep"))
    hire_date = factory.Faker("date_between", start_date="-5y", end_date="-30d")

    @classmethod
    def with_role(cls, role: str, **kwargs) -> Employee:
        return cls(position=Position.objects.get(role=role), **kwargs)
